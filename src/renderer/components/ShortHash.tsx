/** The first 12 hex digits of a "sha256:…" digest, the full digest in the tooltip. */
export function shortHash(hash: string): string {
  const match = /^sha256:([0-9a-f]{12})[0-9a-f]+$/.exec(hash);
  return match ? `sha256:${match[1]}…` : hash;
}

export function ShortHash({ hash }: { hash: string }) {
  return (
    <code className="mono" title={hash}>
      {shortHash(hash)}
    </code>
  );
}
