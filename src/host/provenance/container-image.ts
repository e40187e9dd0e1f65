import { spawnSync } from 'node:child_process';

/** How long `docker image inspect` may take: it runs once per session, while the first listing waits. */
const INSPECT_TIMEOUT_MS = 3000;

export interface ImageFound {
  digest: string | null;
  note: string;
}

/**
 * The digest of the image a container runs. A spec pinned by digest (`image@sha256:…`) says it;
 * otherwise the local engine is asked with `docker image inspect` (no registry is contacted).
 * When the engine does not answer, the digest stays unknown and the note says why.
 */
export function findImageDigest(runtime: 'docker' | 'podman', image: string, env: NodeJS.ProcessEnv): ImageFound {
  const pinned = /@(sha256:[0-9a-f]{64})$/.exec(image);
  if (pinned) return { digest: pinned[1] as string, note: 'the digest the image reference pins' };
  const result = spawnSync(runtime, ['image', 'inspect', '--format', '{{json .RepoDigests}}|{{.Id}}', image], { env, timeout: INSPECT_TIMEOUT_MS, encoding: 'utf8', windowsHide: true });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `${runtime} is not installed here` : code === 'ETIMEDOUT' ? `${runtime} did not answer within ${INSPECT_TIMEOUT_MS / 1000} s` : `${runtime} could not be run (${code ?? 'error'})`;
    return { digest: null, note: `the image digest is not known: ${why}` };
  }
  if (result.status !== 0) {
    const first = (result.stderr ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 200) ?? `exit ${result.status}`;
    return { digest: null, note: `the image digest is not known: ${runtime} image inspect failed (${first})` };
  }
  const [repoDigests = '', id = ''] = result.stdout.trim().split('|');
  try {
    const list: unknown = JSON.parse(repoDigests);
    const first = Array.isArray(list) ? list.find((d): d is string => typeof d === 'string' && d.includes('@sha256:')) : undefined;
    if (first) return { digest: first.slice(first.indexOf('@') + 1), note: `the repository digest of the local image, from ${runtime} image inspect` };
  } catch {
    // No repository digest: a locally built image; its id is the next best name.
  }
  if (/^sha256:[0-9a-f]{64}$/.test(id)) return { digest: id, note: `the local image id (no repository digest), from ${runtime} image inspect` };
  return { digest: null, note: `the image digest is not known: ${runtime} image inspect gave none` };
}
