import { detectionForm } from './unicode-text.js';

/**
 * Phrases that address the model rather than describe the tool: the fingerprints of tool
 * poisoning. Kept short and literal so they are deterministic and rarely fire on honest text.
 */
const CUES: readonly RegExp[] = [
  /<\s*\/?\s*(?:important|system|instructions?)\s*>/,
  /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?(?:previous|prior|above|earlier|preceding|other)\s+(?:instructions?|prompts?|messages?|rules|directions)\b/,
  /\b(?:do not|don't|never)\s+(?:tell|inform|notify|alert|warn|show)\s+(?:this\s+to\s+)?(?:the\s+)?user\b/,
  /\b(?:do not|don't|never)\s+mention\b/,
  /\bwithout\s+(?:telling|informing|notifying|alerting|asking)\s+the\s+user\b/,
  /\bbefore\s+using\s+this\s+tool,?\s+(?:you\s+)?(?:must\s+|should\s+)?(?:first\s+)?(?:read|call|run|send|fetch|open|include|pass)\b/,
  /\b(?:override|overrides|ignore|disregard|replace|reveal|leak|forget)\b[^.]{0,40}\bsystem prompt\b/,
  /\bsystem prompt\b[^.]{0,40}\b(?:override|overrides|ignore|disregard|replace|reveal|leak)\b/,
  /\b(?:supersedes?|takes?\s+precedence\s+over)\b[^.]{0,30}\b(?:instructions|rules)\b/,
];

/** The cue phrases found in a text, as matched (lower case, normalized). */
export function instructionCues(text: string): string[] {
  const t = detectionForm(text);
  return CUES.flatMap((re) => t.match(re)?.[0] ?? []);
}
