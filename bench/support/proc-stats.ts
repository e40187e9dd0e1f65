import fs from 'node:fs';

/**
 * What the benchmarks read about other processes from /proc (Linux only; elsewhere every
 * reading is undefined and the tables leave those cells empty): CPU time, resident memory,
 * children, and which addresses a port is listened on.
 */

/** The fields of /proc/PID/stat after the command name, which may itself hold spaces. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, every thread) of a process so far, in ms; USER_HZ is 100 on Linux. */
export function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  if (pid === process.pid) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  const fields = statFields(pid);
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 : undefined;
}

/** Resident set size (VmRSS) of a process, in MB. */
export function rssMbOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Every live process under `root` (children, grandchildren…), with its command line. */
export function descendantsOf(root: number | undefined): { pid: number; cmdline: string }[] {
  if (root === undefined || !fs.existsSync('/proc')) return [];
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields) parentOf.set(Number(entry), Number(fields[1]));
  }
  const found: { pid: number; cmdline: string }[] = [];
  const under = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parentOf) {
      if (under.has(parent) && !under.has(pid)) {
        under.add(pid);
        grew = true;
        let cmdline = '';
        try {
          cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
        } catch {
          // Gone already.
        }
        found.push({ pid, cmdline });
      }
    }
  }
  return found;
}

/** The first process under `root` whose command line holds `needle`. */
export function descendantRunning(root: number | undefined, needle: string): number | undefined {
  return descendantsOf(root).find((p) => p.cmdline.includes(needle) && !p.cmdline.startsWith('/bin/sh'))?.pid;
}

/** The local addresses listening on TCP `port`, from /proc/net/tcp and tcp6 ("127.0.0.1", "::", …). */
export function listeningAddresses(port: number): string[] {
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] !== '0A' || !cols[1]) continue; // 0A: LISTEN
      const [hexAddr = '', hexPort = ''] = cols[1].split(':');
      if (parseInt(hexPort, 16) === port) out.push(decodeAddress(hexAddr));
    }
  }
  return out;
}

/** /proc/net's little-endian hex address as text. */
function decodeAddress(hex: string): string {
  if (hex.length === 8) return [0, 1, 2, 3].map((i) => parseInt(hex.slice(6 - 2 * i, 8 - 2 * i), 16)).join('.');
  if (/^0{32}$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  if (hex.startsWith('0000000000000000FFFF0000')) return `::ffff:${decodeAddress(hex.slice(24))}`;
  return hex;
}
