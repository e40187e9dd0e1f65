/**
 * Why a kind of change matters, in one plain sentence a user reads before answering: what the
 * model could now be led to do. Keyed by finding code; codes built from an item kind
 * ("prompt.added", "resource.description.changed") fall back on their last parts.
 */
const REASONS: Readonly<Record<string, string>> = Object.freeze({
  'text.exfiltration': 'The new text tells the model to send something secret off this machine.',
  'text.invisible-chars': 'The new text hides characters you cannot see but the model reads, a common way to smuggle instructions.',
  'text.instruction-cue': 'The new text gives the model orders instead of describing the tool.',
  'text.steers-to-tool': 'The new text tells the model when to use another of this server’s tools; read it to check the advice is honest.',
  'schema.param.sensitive-added': 'The model may fill the new parameter with a secret from your conversation or files and hand it to the server.',
  'schema.param.out-of-scope': 'The new parameter asks the model for information the tool’s job does not need (about you, this machine, or the conversation).',
  'schema.param.required-added': 'Every call must now pass a new value; check what the model will be asked to put there.',
  'schema.param.added': 'The tool takes a new optional value; check what the model may put there.',
  'schema.param.removed': 'A parameter went away; calls that pass it may now fail or mean something else.',
  'schema.enum.widened': 'The tool now accepts values you never saw allowed, which can unlock new operations.',
  'schema.const.removed': 'A value that was fixed is now free, which can unlock new operations.',
  'schema.required.removed': 'A value the tool needed is now optional; the server decides what happens without it.',
  'schema.bound.relaxed': 'Limits on a value were loosened, so larger or stranger inputs now pass.',
  'schema.pattern.removed': 'A format check on a value was dropped, so any text now passes.',
  'schema.type.changed': 'A value changed type, so the model will send something different.',
  'schema.default.changed': 'The value used when the model says nothing changed.',
  'annotation.read-only-removed': 'The tool no longer promises to only read; it may now change things.',
  'annotation.destructive-added': 'The tool now says it may delete or overwrite things.',
  'annotation.open-world-added': 'The tool now says it reaches outside systems.',
  'annotation.idempotent-removed': 'The tool no longer says repeating a call is harmless.',
  'tool.renamed': 'A tool you approved seems to have changed name; the model will see it as a new tool.',
  'tool.renamed-with-required': 'A renamed tool also demands a new value: the rename hides the new parameter from a quick look.',
  'tool.shadow-name': 'The new tool’s name or text copies a tool you approved, so the model may call it in that tool’s place.',
  'instructions.changed': 'The server’s instructions go to the model before any tool; a change there steers everything it does with this server.',
  'server-info.version.changed': 'Only the version number moved.',
  'cosmetic.text': 'Only spacing or Unicode form changed; the model reads the same words.',
  'surface.first-seen': 'Nothing from this server has been approved yet; the model sees none of it until you do.',
  'surface.item.changed': 'Something changed that no rule names; read the whole definition.',
  'provenance.changed': 'Another program now answers for this server: its tools may look the same but do anything, so every call waits.',
  'provenance.removed': 'Airlock could not tell which program ran this time, so it cannot vouch that it is the one you approved.',
  'provenance.recorded': 'Airlock now records which program you approved; this one is recorded as approved, since the approval came before.',
  'provenance.detail': 'The same program, found in another place or described differently; nothing the model reads changed.',
});

const BY_SUFFIX: ReadonlyArray<[RegExp, string]> = [
  [/\.added$/, 'The server offers something new; the model cannot see or use it until you approve it.'],
  [/\.removed$/, 'The server no longer offers it; calls to it are refused.'],
  [/\.(?:description|title)\.changed$/, 'The text the model reads about it changed; the model follows what it says.'],
  [/^schema\./, 'What the model may pass changed; check the new shape allows nothing you would refuse.'],
  [/^annotation\./, 'What the tool says about its own effects changed; these are hints the server writes, not guarantees.'],
  [/^text\.directed\./, 'The new text addresses the model rather than describing the tool.'],
];

const GENERIC = 'What the model reads from this server changed; review it before it reaches the model.';

export function whyOf(code: string): string {
  return REASONS[code] ?? BY_SUFFIX.find(([re]) => re.test(code))?.[1] ?? GENERIC;
}
