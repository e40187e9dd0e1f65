import fs from 'node:fs';
import type { ClientDirs, ClientId } from './client-adapter.js';
import { CLIENT_ADAPTERS } from './adapters/index.js';
import { scanFile } from './client-scan.js';

/** A server entry that a client starts (or reaches) directly, not through Airlock. */
export interface BypassingServer {
  client: ClientId;
  clientName: string;
  file: string;
  /** The entry's identity inside the file (names repeat across Claude Code's projects). */
  id: string;
  name: string;
  transport: 'stdio' | 'remote';
  /** Whether `airlock clients install` can route it; `reason` says why not. */
  routable: boolean;
  reason?: string;
}

export type BypassListener = (appeared: BypassingServer[], gone: BypassingServer[]) => void;

interface FileState {
  signature: string;
  bypassing: BypassingServer[];
}

/**
 * Watches every known client config file for servers that bypass Airlock. It polls file
 * metadata instead of using fs.watch: editors and clients save by renaming a new file over the
 * old one, which detaches a watch on most platforms, and a file that does not exist yet cannot
 * be watched at all. A few stat calls a second cost nothing.
 */
export class BypassWatch {
  private readonly files = new Map<string, FileState>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dirs: ClientDirs,
    private readonly listener: BypassListener,
    private readonly intervalMs = 2_000,
  ) {}

  /** Scans once (reporting what it finds as appeared) and then keeps polling. */
  start(): void {
    this.poll();
    this.timer = setInterval(() => this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  current(): BypassingServer[] {
    return [...this.files.values()].flatMap((state) => state.bypassing);
  }

  /** One pass over every candidate file; reports the difference from the last pass. */
  poll(): void {
    const appeared: BypassingServer[] = [];
    const gone: BypassingServer[] = [];
    const seen = new Set<string>();
    for (const adapter of CLIENT_ADAPTERS) {
      for (const ref of adapter.configFiles(this.dirs)) {
        seen.add(ref.path);
        const signature = statSignature(ref.path);
        const before = this.files.get(ref.path);
        if (before?.signature === signature) continue;
        const scanned = signature === 'missing' ? undefined : scanFile(adapter, ref, this.dirs.airlockEndpoint?.());
        // An unreadable file (half-saved, or broken by hand) keeps what it had until it parses again.
        if (scanned !== undefined && 'error' in scanned) continue;
        const bypassing = (scanned?.servers ?? [])
          .filter((s) => s.status === 'bypassing' && !s.entry.disabled)
          .map((s): BypassingServer => ({
            client: adapter.id,
            clientName: adapter.displayName,
            file: ref.path,
            id: s.entry.id,
            name: s.entry.name,
            transport: s.entry.transport,
            routable: s.route?.ok === true,
            ...(s.route !== undefined && !s.route.ok ? { reason: s.route.reason } : {}),
          }));
        const old = before?.bypassing ?? [];
        appeared.push(...bypassing.filter((b) => !old.some((o) => o.id === b.id)));
        gone.push(...old.filter((o) => !bypassing.some((b) => b.id === o.id)));
        this.files.set(ref.path, { signature, bypassing });
      }
    }
    for (const [file, state] of this.files) {
      if (!seen.has(file)) {
        gone.push(...state.bypassing);
        this.files.delete(file);
      }
    }
    if (appeared.length > 0 || gone.length > 0) this.listener(appeared, gone);
  }
}

function statSignature(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  } catch {
    return 'missing';
  }
}
