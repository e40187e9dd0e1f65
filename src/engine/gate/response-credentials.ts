/**
 * Well-known credential formats, each precise enough that it does not fire on honest output:
 * a fixed prefix that vendors chose to be recognisable, a length, and an alphabet. Hex digests,
 * UUIDs and base64 of images match none of them (the tests keep near-misses of each).
 */
export interface CredentialFormat {
  /** What a person is told was found (never the value). */
  label: string;
  /** Global and sticky-free, so matchAll and replace see every occurrence. */
  pattern: RegExp;
}

// Word edges that also treat "-" and "_" as part of the token, so a longer identifier that merely
// contains a prefix does not match (JavaScript's \b stops at "-").
const START = '(?<![A-Za-z0-9_-])';
const END = '(?![A-Za-z0-9_-])';

export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = Object.freeze([
  // AWS access key ids: a four-letter kind prefix and 16 characters of base32 (A-Z, 2-7).
  { label: 'AWS access key id', pattern: new RegExp(`${START}(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}${END}`, 'g') },
  // The secret half has no prefix: only where it is named, as in ~/.aws/credentials or an env file.
  { label: 'AWS secret access key', pattern: /(?<=aws_secret_access_key\s*[=:]\s*["']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi },
  { label: 'GitHub token', pattern: new RegExp(`${START}gh[pousr]_[A-Za-z0-9]{36}${END}`, 'g') },
  { label: 'GitHub token', pattern: new RegExp(`${START}github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}${END}`, 'g') },
  // xoxb- (bot), xoxp- (user), xoxa-/xoxr- (app, refresh), xoxs-, xoxo-: digits, then more dashed parts.
  { label: 'Slack token', pattern: new RegExp(`${START}xox[abposr]-[0-9]{6,}-[0-9A-Za-z-]{10,}${END}`, 'g') },
  { label: 'Anthropic API key', pattern: new RegExp(`${START}sk-ant-(?:api|admin|sid)[0-9]{2}-[A-Za-z0-9_-]{80,}${END}`, 'g') },
  { label: 'OpenAI API key', pattern: new RegExp(`${START}sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}${END}`, 'g') },
  // Older OpenAI keys: sk- and 48 letters and digits. Mixed case and a digit are required, so a
  // hyphenated word like "sk-learn-…" or a run of one letter never matches.
  { label: 'OpenAI API key', pattern: new RegExp(`${START}sk-(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[a-z])[A-Za-z0-9]{32,}${END}`, 'g') },
  { label: 'Google API key', pattern: new RegExp(`${START}AIza[0-9A-Za-z_-]{35}${END}`, 'g') },
  { label: 'Stripe live key', pattern: new RegExp(`${START}(?:sk|rk)_live_[0-9A-Za-z]{24,}${END}`, 'g') },
  // A PEM private key block: its armour, a line break (also as the two characters "\n" of a JSON
  // string shown as text), optional headers (encrypted legacy keys), then at least 16 characters of
  // base64 lines. The END line is optional so a truncated key is still caught. One flat character
  // class for the body: no nested quantifier, so no catastrophic backtracking.
  {
    label: 'private key',
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?:\r?\n|\\r\\n|\\n)(?:[A-Za-z-]+:[^\r\n\\]*(?:\r?\n|\\r\\n|\\n))*(?:\r?\n|\\n)?[A-Za-z0-9+/=][A-Za-z0-9+/=\r\n\\]{15,}(?:-----END \1PRIVATE KEY-----)?/g,
  },
  // A JWT: header and payload are base64url of JSON objects, so both start with "eyJ"; a signed one
  // has a signature of at least 16 characters.
  { label: 'JSON Web Token', pattern: new RegExp(`${START}eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{16,}${END}`, 'g') },
]);

/**
 * Literal text every format above needs (its prefix, the AWS secret's name, the PEM armour),
 * matched ignoring case so it can only be looser than the formats. A text with none of it holds
 * no credential, and is not run through the twelve patterns: most strings of most answers.
 */
const CREDENTIAL_HINT = /AKIA|ASIA|ABIA|ACCA|aws_secret_access_key|gh[pousr]_|github_pat_|xox[abposr]-|sk-|AIza|k_live_|PRIVATE KEY-----|eyJ/i;

/** How many credentials of each label a text holds. */
export function credentialCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!CREDENTIAL_HINT.test(text)) return counts;
  for (const { label, pattern } of CREDENTIAL_FORMATS) {
    pattern.lastIndex = 0;
    let n = 0;
    for (const _match of text.matchAll(pattern)) n += 1;
    if (n > 0) counts.set(label, (counts.get(label) ?? 0) + n);
  }
  return counts;
}

/** The text with every credential replaced by a marker that names its kind. */
export function redactCredentials(text: string): string {
  let out = text;
  for (const { label, pattern } of CREDENTIAL_FORMATS) out = out.replace(pattern, `[redacted by Airlock: ${label}]`);
  return out;
}
