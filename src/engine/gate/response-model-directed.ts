import { instructionCues } from '../drift/instruction-cues.js';

/**
 * The phrases in a text that address the model rather than the user (instructions, authority
 * framing, steering to other tools). The one place response checks ask this, so a better
 * classifier from src/engine/drift can be switched in here with one line.
 */
export function modelDirectedPhrases(text: string): string[] {
  return instructionCues(text);
}
