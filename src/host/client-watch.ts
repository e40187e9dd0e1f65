import { BypassWatch, type BypassingServer } from '../clients/bypass-watch.js';
import type { ClientDirs } from '../clients/client-adapter.js';
import type { AuditEventInput } from '../engine/audit/index.js';

/**
 * Watches the AI clients' config files for entries that start a server without Airlock. The
 * first scan only reports; one that appears later (a server added by hand, or by a client's own
 * UI) is also audited.
 */
export function watchClientFiles(
  dirs: ClientDirs,
  intervalMs: number | undefined,
  to: { log(message: string): void; audit(event: AuditEventInput): void; emit(appeared: BypassingServer[], gone: BypassingServer[]): void },
): BypassWatch {
  let first = true;
  const watch = new BypassWatch(
    dirs,
    (appeared, gone) => {
      for (const b of appeared) {
        to.log(`${b.clientName} starts server "${b.name}" without Airlock (${b.file}); ${b.routable ? 'route it with: airlock clients install' : `it cannot be routed: ${b.reason ?? 'unknown reason'}`}`);
        if (!first) to.audit({ type: 'client.bypass-detected', detail: { client: b.client, file: b.file, entry: b.name, transport: b.transport, routable: b.routable } });
      }
      to.emit(appeared, gone);
    },
    intervalMs,
  );
  watch.start();
  first = false;
  return watch;
}
