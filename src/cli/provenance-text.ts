import { describeProvenance } from '../engine/drift/provenance-diff.js';
import type { ServerConfig } from '../engine/store/index.js';
import type { Provenance } from '../engine/surface.js';
import { pinStatus, type PinStatus } from '../host/provenance/pin-server.js';

/** What `servers list` shows of a server's program: the one its approved baseline names (undefined: not read). */
export interface ListedProvenance {
  provenance?: Provenance | null | undefined;
}

/** Both fields once an approval recorded the program (absent before, like `clients` when every client may use it). */
export function provenanceJson(config: ServerConfig, provenance: Provenance | null | undefined): { provenance?: Provenance; pinned?: PinStatus } {
  if (!provenance) return {};
  return { provenance, pinned: pinStatus(config) };
}

/** One line: "npm pkg 1.4.2, pinned" or "npm pkg 1.4.2, not pinned: pin it with: airlock servers pin NAME". */
export function provenanceLine(config: ServerConfig, provenance: Provenance): string {
  const what = describeProvenance(provenance);
  const status = pinStatus(config);
  if (status === 'pinned') return `${what}, pinned in the command`;
  if (status === 'unpinned') return `${what}, not pinned: the command may run another version next time; pin it with: airlock servers pin ${config.name}`;
  return what;
}
