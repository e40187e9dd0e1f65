export interface SseEvent {
  /** The event type; '' when the server named none (a "message"). */
  event: string;
  data: string;
  /** The id this event set, if it set one. */
  id: string | undefined;
  /** A reconnection delay the server asked for, in ms. */
  retry: number | undefined;
}

export type SseItem = { kind: 'event'; event: SseEvent } | { kind: 'oversize'; bytes: number };

const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads Server-Sent Events from a byte stream with bounded memory: an event whose lines add
 * up to more than maxEventBytes is dropped as it arrives (never buffered whole) and reported
 * once, when it ends, as an 'oversize' item. Parsers we could use (eventsource-parser) buffer
 * an event whole before anyone can refuse it, so this one is written here.
 * Lines end with LF or CRLF; a lone CR is not a line end (no MCP server we know sends one).
 */
export async function* readSse(body: AsyncIterable<Uint8Array>, maxEventBytes: number): AsyncGenerator<SseItem> {
  let line: Buffer[] = [];
  let lineBytes = 0;
  let lineOnlyCr = false;
  let eventBytes = 0;
  let skipping = false;
  let dropped = 0;
  let fields = emptyFields();
  for await (const chunk of body) {
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf(LF, start);
      const piece = chunk.subarray(start, lf === -1 ? chunk.length : lf);
      if (piece.length > 0) {
        if (!skipping && eventBytes + lineBytes + piece.length > maxEventBytes) {
          skipping = true;
          dropped = eventBytes + lineBytes;
          line = [];
        }
        if (skipping) {
          if (lineBytes === 0) lineOnlyCr = piece.length === 1 && piece[0] === CR;
          dropped += piece.length;
        } else line.push(Buffer.from(piece));
        lineBytes += piece.length;
      }
      if (lf === -1) break;
      start = lf + 1;
      if (skipping) {
        // Dropping an event too large: wait for the blank line that ends it.
        dropped += 1;
        const blank = lineBytes === 0 || (lineBytes === 1 && lineOnlyCr);
        lineBytes = 0;
        if (blank) {
          yield { kind: 'oversize', bytes: dropped };
          skipping = false;
          eventBytes = 0;
          fields = emptyFields();
        }
        continue;
      }
      let text = Buffer.concat(line).toString('utf8');
      const bytes = lineBytes;
      line = [];
      lineBytes = 0;
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text === '') {
        if (fields.data.length > 0 || fields.id !== undefined || fields.retry !== undefined) {
          yield { kind: 'event', event: { event: fields.event, data: fields.data.join('\n'), id: fields.id, retry: fields.retry } };
        }
        fields = emptyFields();
        eventBytes = 0;
        continue;
      }
      // Comments (keep-alives) do not count towards an event's size.
      if (text.startsWith(':')) continue;
      eventBytes += bytes + 1;
      const colon = text.indexOf(':');
      const name = colon === -1 ? text : text.slice(0, colon);
      let value = colon === -1 ? '' : text.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (name === 'data') fields.data.push(value);
      else if (name === 'event') fields.event = value;
      else if (name === 'id' && !value.includes('\0')) fields.id = value;
      else if (name === 'retry' && /^\d+$/.test(value)) fields.retry = Number(value);
    }
  }
  if (skipping) yield { kind: 'oversize', bytes: dropped };
}

function emptyFields(): { event: string; data: string[]; id: string | undefined; retry: number | undefined } {
  return { event: '', data: [], id: undefined, retry: undefined };
}
