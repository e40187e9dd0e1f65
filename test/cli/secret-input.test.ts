import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { readHiddenLine, type HiddenInput } from '../../src/cli/secret-input.js';

/** A terminal as readHiddenLine sees it: raw mode on/off, data events. Records what was done to it. */
class FakeTerminal extends EventEmitter implements HiddenInput {
  rawModes: boolean[] = [];
  paused = false;
  setRawMode(mode: boolean): this {
    this.rawModes.push(mode);
    return this;
  }
  setEncoding(): this {
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
  pause(): this {
    this.paused = true;
    return this;
  }
  type(text: string): void {
    this.emit('data', text);
  }
}

describe('readHiddenLine', () => {
  it('prompts, reads in raw mode without echoing, and restores the terminal', async () => {
    const terminal = new FakeTerminal();
    let written = '';
    const line = readHiddenLine(terminal, 'Value for TOKEN (input hidden): ', (text) => (written += text));
    terminal.type('s3cr');
    terminal.type('et-value\r');
    expect(await line).toBe('s3cret-value');
    expect(written).toBe('Value for TOKEN (input hidden): \n');
    expect(terminal.rawModes).toEqual([true, false]);
    expect(terminal.paused).toBe(true);
    expect(terminal.listenerCount('data')).toBe(0);
  });

  it('handles backspace and ignores control characters', async () => {
    const terminal = new FakeTerminal();
    const line = readHiddenLine(terminal, '', () => {});
    terminal.type('abx\u007fc\u0001d\n');
    expect(await line).toBe('abcd');
  });

  it('cancels on Ctrl-C, restoring the terminal', async () => {
    const terminal = new FakeTerminal();
    const line = readHiddenLine(terminal, '', () => {});
    terminal.type('abc\u0003');
    await expect(line).rejects.toThrow(/cancelled; nothing was changed/);
    expect(terminal.rawModes).toEqual([true, false]);
  });
});
