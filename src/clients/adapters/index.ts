import type { ClientAdapter, ClientId } from '../client-adapter.js';
import { claudeCodeAdapter } from './claude-code.js';
import { claudeDesktopAdapter } from './claude-desktop.js';
import { clineAdapter } from './cline.js';
import { codexAdapter } from './codex.js';
import { continueAdapter } from './continue.js';
import { cursorAdapter } from './cursor.js';
import { geminiCliAdapter } from './gemini-cli.js';
import { vscodeAdapter } from './vscode.js';
import { windsurfAdapter } from './windsurf.js';
import { zedAdapter } from './zed.js';

/** Every client Airlock knows, in the order `clients list` shows them. */
export const CLIENT_ADAPTERS: readonly ClientAdapter[] = [
  claudeDesktopAdapter,
  claudeCodeAdapter,
  cursorAdapter,
  vscodeAdapter,
  windsurfAdapter,
  zedAdapter,
  clineAdapter,
  geminiCliAdapter,
  codexAdapter,
  continueAdapter,
];

export function adapterFor(id: ClientId): ClientAdapter {
  const adapter = CLIENT_ADAPTERS.find((a) => a.id === id);
  if (adapter === undefined) throw new Error(`no adapter for client ${id}`);
  return adapter;
}
