import fs from 'node:fs';

/**
 * Watches the internet sockets of a few processes (Linux only). /proc/net/{tcp,tcp6,udp,udp6}
 * lists every socket of a network namespace, not of one process, so a socket counts only when
 * its inode is also one of the watched processes' descriptors (/proc/PID/fd -> socket:[INODE]).
 * Polled every `intervalMs`: a connection that opens and closes between two polls is missed,
 * which is why the interval is short and the unit test proves an outbound SYN is caught.
 */

export interface SocketSeen {
  pid: number;
  /** 'unix' sockets never leave the machine; they are listed so a test can see a session's link to the Host. */
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'unix';
  local: string;
  remote: string;
  remoteHost: string;
  remotePort: number;
  /** The kernel's state code in hex (02 SYN_SENT, 01 ESTABLISHED, 0A LISTEN; 07 for UDP; for unix 01 listening, 03 connected). */
  state: string;
}

const TABLES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;

/** /proc/net's hex address (host byte order per 32-bit word, so little-endian here) as text. */
export function decodeProcAddress(hex: string): { host: string; port: number } {
  const [addr = '', portHex = '0'] = hex.split(':');
  const port = Number.parseInt(portHex, 16);
  const words: number[][] = [];
  for (let i = 0; i < addr.length; i += 8) {
    const word = addr.slice(i, i + 8);
    words.push([6, 4, 2, 0].map((j) => Number.parseInt(word.slice(j, j + 2), 16)));
  }
  const bytes = words.flat();
  if (bytes.length === 4) return { host: bytes.join('.'), port };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  const v6 = groups.join(':');
  // An IPv4 address on a dual-stack socket: ::ffff:a.b.c.d.
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') return { host: `::ffff:${bytes.slice(12).join('.')}`, port };
  return { host: v6, port };
}

/** Loopback, or the unspecified address an unconnected or listening socket has as its remote. */
export function isLoopbackOrUnspecified(host: string): boolean {
  if (host === '0.0.0.0' || host === '0:0:0:0:0:0:0:0' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return /^127\.\d+\.\d+\.\d+$/.test(v4);
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // the process has exited
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed between readdir and readlink
    }
  }
  return inodes;
}

/** Every internet socket the processes hold right now. */
export function socketsOf(pids: readonly number[]): SocketSeen[] {
  const byInode = new Map<string, number>();
  for (const pid of pids) for (const inode of socketInodes(pid)) byInode.set(inode, pid);
  if (byInode.size === 0) return [];
  const seen: SocketSeen[] = [];
  // Read through the first live pid's view so the tables are those of its network namespace.
  const viewPid = pids[0];
  for (const protocol of TABLES) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${viewPid}/net/${protocol}`, 'utf8');
    } catch {
      text = fs.readFileSync(`/proc/net/${protocol}`, 'utf8');
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [, local, remote, state] = cols;
      const inode = cols[9];
      if (!local || !remote || !state || !inode) continue;
      const pid = byInode.get(inode);
      if (pid === undefined) continue;
      const r = decodeProcAddress(remote);
      const l = decodeProcAddress(local);
      seen.push({ pid, protocol, local: `${l.host}:${l.port}`, remote: `${r.host}:${r.port}`, remoteHost: r.host, remotePort: r.port, state });
    }
  }
  seen.push(...unixSocketsOf(viewPid, byInode));
  return seen;
}

/** /proc/net/unix: Num RefCount Protocol Flags Type St Inode [Path]. */
function unixSocketsOf(viewPid: number | undefined, byInode: Map<string, number>): SocketSeen[] {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${viewPid}/net/unix`, 'utf8');
  } catch {
    return [];
  }
  const seen: SocketSeen[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const state = cols[5];
    const inode = cols[6];
    const pid = inode === undefined ? undefined : byInode.get(inode);
    if (pid === undefined || state === undefined) continue;
    seen.push({ pid, protocol: 'unix', local: cols[7] ?? '', remote: '', remoteHost: '', remotePort: 0, state });
  }
  return seen;
}

export interface SocketWatch {
  /** Every distinct socket seen so far (by pid, protocol, local, remote and state). */
  seen(): SocketSeen[];
  /** How many polls ran: a watch that never polled proves nothing. */
  polls(): number;
  /** Adds a process (a child started later) to the watch. */
  add(pid: number): void;
  /** Every pid watched so far. */
  pids(): number[];
  stop(): SocketSeen[];
}

/**
 * Polls the sockets of `pids` every `intervalMs`. A function is asked again at each poll, so
 * processes started during the watch (found by their command line, say) are covered too.
 */
export function watchSockets(pids: readonly number[] | (() => number[]), intervalMs = 20): SocketWatch {
  const watched = typeof pids === 'function' ? [] : [...pids];
  const more = typeof pids === 'function' ? pids : () => [];
  const all = new Map<string, SocketSeen>();
  let count = 0;
  const poll = (): void => {
    count += 1;
    for (const pid of more()) if (!watched.includes(pid)) watched.push(pid);
    const live = watched.filter((pid) => fs.existsSync(`/proc/${pid}`));
    if (live.length === 0) return;
    for (const s of socketsOf(live)) all.set(`${s.pid} ${s.protocol} ${s.local} ${s.remote} ${s.state}`, s);
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    seen: () => [...all.values()],
    polls: () => count,
    pids: () => [...watched],
    add: (pid) => {
      watched.push(pid);
      poll();
    },
    stop: () => {
      clearInterval(timer);
      poll();
      return [...all.values()];
    },
  };
}

/** Pids of running processes whose command line holds every one of `parts`. */
export function pidsByCommandLine(parts: readonly string[]): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (parts.every((p) => cmdline.includes(p))) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}
