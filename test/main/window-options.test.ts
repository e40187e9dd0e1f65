import { describe, expect, it } from 'vitest';
import { WINDOW_CSP, windowOptions } from '../../src/main/window-options.js';

describe('windowOptions', () => {
  it('isolates and sandboxes the renderer, with no Node, webviews or spellcheck, and the given preload', () => {
    expect(windowOptions('/app/out/preload/index.cjs').webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    });
  });

  it('leaves webSecurity at its default by not setting it', () => {
    expect(Object.keys(windowOptions('/p').webPreferences)).not.toContain('webSecurity');
  });

  it('keeps the window at least 900 × 600 and hidden until it is ready', () => {
    expect(windowOptions('/p')).toMatchObject({ minWidth: 900, minHeight: 600, show: false });
  });

  it('has the strict CSP: only its own origin, no objects, no base, no forms, no framing', () => {
    expect(WINDOW_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });
});
