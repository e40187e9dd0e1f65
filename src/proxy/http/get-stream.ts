import type { Exchange } from './http-client.js';
import { sseMessages, type StreamPosition } from './sse-messages.js';

export interface GetStreamOptions {
  host: string;
  maxFrameBytes: number;
  /** Opens the GET, with Last-Event-ID when there is one to resume from. */
  open(lastEventId: string | undefined): Promise<Exchange>;
  onLine(line: Buffer): void;
  onOversize(bytes: number): void;
  /** The server answered 404: the session it had given is gone. */
  onSessionGone(): void;
  note(text: string): void;
}

const MAX_FAILURES = 5;
const DEFAULT_RETRY_MS = 1_000;

/**
 * The GET stream on which a 2025-11-25 server sends what is not an answer (notifications, its
 * own requests), for one session. Reopened with Last-Event-ID when it drops, at the delay the
 * server asked for; a 405 means the server offers none, and five failures in a row end it.
 */
export class GetStream {
  private readonly position: StreamPosition = { lastEventId: undefined, retryMs: DEFAULT_RETRY_MS };
  private current: Exchange | null = null;
  private stopped = false;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly options: GetStreamOptions) {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.current?.abort();
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    const { options, position } = this;
    for (let failures = 0; !this.stopped && failures < MAX_FAILURES; failures += 1) {
      if (failures > 0) await this.pause(position.retryMs);
      if (this.stopped) return;
      let done: Exchange;
      try {
        done = await options.open(position.lastEventId);
      } catch (error) {
        if (!this.stopped) options.note(`the event stream of ${options.host} could not be opened: ${(error as Error).message}`);
        continue;
      }
      const { response } = done;
      if (!response.ok) {
        done.done();
        await response.body?.cancel().catch(() => undefined);
        if (response.status === 405) return;
        if (response.status === 404) return options.onSessionGone();
        options.note(`the event stream of ${options.host} could not be opened: it answered ${response.status}`);
        continue;
      }
      this.current = done;
      try {
        for await (const line of sseMessages(done, options.maxFrameBytes, position, options.onOversize)) {
          failures = 0;
          options.onLine(line);
        }
      } catch (error) {
        if (!this.stopped) options.note(`the event stream of ${options.host} broke: ${done.failure(error).message}`);
      } finally {
        done.done();
        this.current = null;
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => ((this.wakeUp = null), resolve()), ms);
      timer.unref();
      this.wakeUp = () => (clearTimeout(timer), resolve());
    });
  }
}
