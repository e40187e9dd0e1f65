/** Time left until `expiresAt` as "1:42" (or "1:02:03" past an hour); "0:00" once it has passed. */
export function remainingText(expiresAt: string, now: number): string {
  const total = Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** What a held call's timer says: when the timeout denies it. */
export function deniedInText(expiresAt: string, now: number): string {
  return Date.parse(expiresAt) <= now ? 'denied: the wait timed out' : `denied in ${remainingText(expiresAt, now)}`;
}
