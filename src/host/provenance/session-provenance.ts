import type { ServerConfig } from '../../engine/store/server-configs.js';
import type { Provenance, Surface } from '../../engine/surface.js';
import { resolveProvenance, type LaunchPlace } from './resolve-provenance.js';

/**
 * The program of one session, resolved once, when the session first lists its server: after
 * the upstream started, so a runner such as npx has installed what it runs. The same session
 * always ran the same program, so later listings reuse it.
 */
export function sessionProvenance(config: ServerConfig, place: LaunchPlace | null): () => Provenance {
  let resolved: Provenance | null = null;
  return () => (resolved ??= resolveProvenance(config, place));
}

/** The listed surface with the session's program beside it: pinned and diffed like any item, never served. */
export function withProvenance(surface: Surface, provenance: Provenance): Surface {
  return { ...surface, provenance };
}
