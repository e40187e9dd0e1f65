/** `airlock-receipts-<ISO time>.json`, with the time's colons as hyphens: Windows forbids ":" in file names. */
export function receiptsFileName(at: Date): string {
  return `airlock-receipts-${at.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-')}.json`;
}
