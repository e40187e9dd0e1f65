import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../src/host/http-static.js';

/**
 * Reads what electron-vite actually built (out/main, out/preload) and checks the hardening is
 * in it, so a regression in the wiring fails CI even though no Electron runs here.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = path.join(ROOT, 'out');
let main = '';
let preload = '';

beforeAll(() => {
  // npm test builds first; a vitest run on its own builds here.
  if (!fs.existsSync(path.join(OUT, 'main', 'index.js'))) execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'ignore' });
  const mainDir = path.join(OUT, 'main');
  main = fs
    .readdirSync(mainDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');
  preload = fs.readFileSync(path.join(OUT, 'preload', 'index.cjs'), 'utf8');
}, 120_000);

describe('the built main process', () => {
  it('creates its window with context isolation, the sandbox and no Node', () => {
    expect(main).toMatch(/contextIsolation:\s*true/);
    expect(main).toMatch(/sandbox:\s*true/);
    expect(main).toMatch(/nodeIntegration:\s*false/);
    expect(main).toMatch(/webviewTag:\s*false/);
    expect(main).not.toMatch(/nodeIntegration:\s*true/);
    expect(main).not.toMatch(/contextIsolation:\s*false/);
    expect(main).not.toMatch(/sandbox:\s*false/);
    expect(main).not.toMatch(/webSecurity:\s*false/);
    expect(main).not.toMatch(/allowRunningInsecureContent:\s*true/);
  });

  it('serves the UI from app://airlock with the strict CSP, never from file://', () => {
    expect(main).toContain('registerSchemesAsPrivileged');
    expect(main).toContain(PAGE_CSP);
    expect(PAGE_CSP).toMatch(/^default-src 'self'; script-src 'self';/);
    expect(PAGE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(main).not.toMatch(/\.loadFile\(/);
  });

  it('denies new windows and navigation, and checks every IPC sender', () => {
    expect(main).toContain('setWindowOpenHandler');
    expect(main).toContain('will-navigate');
    expect(main).toContain('setPermissionRequestHandler');
    expect(main).toContain('refused: this message did not come from the Airlock window');
  });
});

describe('the built preload', () => {
  it('is CommonJS (sandboxed preloads cannot be ES modules)', () => {
    expect(preload).toMatch(/require\("electron"\)/);
    expect(preload).not.toMatch(/^\s*import\s/m);
  });

  it('exposes the HostApi transport and nothing else: never ipcRenderer', () => {
    const exposed = [...preload.matchAll(/exposeInMainWorld\(\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(exposed).toEqual(['airlockTransport']);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
  });
});
