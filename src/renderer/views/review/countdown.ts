import { durationText } from '../../../shared/duration-text.js';

/** What a held call's timer says, in human units counted in whole seconds: "denied in 1 min 42 s". */
export function deniedInText(expiresAt: string, now: number): string {
  const left = Date.parse(expiresAt) - now;
  return left <= 0 ? 'denied: the wait timed out' : `denied in ${durationText(Math.ceil(left / 1000) * 1000)}`;
}
