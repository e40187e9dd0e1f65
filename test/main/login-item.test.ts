import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP_SETTINGS_FILE, StartAtLogin, STARTED_AT_LOGIN_ARG, xdgAutostart, type LoginItemAppLike } from '../../src/main/login-item.js';
import { makeTempDir } from '../support/temp-dir.js';

let tmp: ReturnType<typeof makeTempDir>;
let settingsFile: string;
beforeEach(() => {
  tmp = makeTempDir('airlock-login-item-');
  settingsFile = path.join(tmp.dir, 'home', DESKTOP_SETTINGS_FILE);
});
afterEach(() => tmp.cleanup());

/** The OS's login items as Electron's app reports them on macOS and Windows. */
function fakeApp(openAtLogin = false) {
  const set: { openAtLogin: boolean; args?: string[] }[] = [];
  const app: LoginItemAppLike = {
    setLoginItemSettings: (s) => {
      set.push(s);
      openAtLogin = s.openAtLogin;
    },
    getLoginItemSettings: () => ({ openAtLogin }),
  };
  return { app, set, os: () => openAtLogin };
}

describe('StartAtLogin', () => {
  it('is off until the user turns it on, and changes nothing at startup then', () => {
    const { app, set } = fakeApp();
    const login = new StartAtLogin(app, settingsFile);
    expect(login.enabled).toBe(false);
    expect(login.applySaved()).toBe(false);
    expect(set).toEqual([]);
  });

  it('registers the login item (starting hidden) and remembers the choice in the settings file', () => {
    const { app, os } = fakeApp();
    new StartAtLogin(app, settingsFile).set(true);
    expect(os()).toBe(true);
    expect(JSON.parse(fs.readFileSync(settingsFile, 'utf8'))).toEqual({ startAtLogin: true });
    expect(new StartAtLogin(fakeApp().app, settingsFile).enabled).toBe(true);
  });

  it('applies the saved choice at startup when the OS has lost it (say, after an update moved the app)', () => {
    new StartAtLogin(fakeApp().app, settingsFile).set(true);
    const fresh = fakeApp(false);
    expect(new StartAtLogin(fresh.app, settingsFile).applySaved()).toBe(true);
    expect(fresh.set).toEqual([{ openAtLogin: true, args: [STARTED_AT_LOGIN_ARG] }]);
  });

  it('turns it off again, keeping the other settings in the file', () => {
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify({ startAtLogin: true, theme: 'dark' }));
    const { app, os } = fakeApp(true);
    new StartAtLogin(app, settingsFile).set(false);
    expect(os()).toBe(false);
    expect(JSON.parse(fs.readFileSync(settingsFile, 'utf8'))).toEqual({ startAtLogin: false, theme: 'dark' });
  });

  it('treats an unreadable settings file as the defaults', () => {
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, '{ not json');
    expect(new StartAtLogin(fakeApp().app, settingsFile).enabled).toBe(false);
  });
});

describe('xdgAutostart (Linux)', () => {
  it('writes an autostart entry that starts the app hidden, and removes it when turned off', () => {
    const configHome = path.join(tmp.dir, 'config');
    const autostart = xdgAutostart(configHome, '/opt/Air lock/airlock');
    const file = path.join(configHome, 'autostart', 'airlock.desktop');
    expect(autostart.getLoginItemSettings()).toEqual({ openAtLogin: false });
    new StartAtLogin(autostart, settingsFile).set(true);
    expect(fs.readFileSync(file, 'utf8')).toContain('\nExec="/opt/Air lock/airlock" "--hidden"\n');
    expect(autostart.getLoginItemSettings()).toEqual({ openAtLogin: true });
    new StartAtLogin(autostart, settingsFile).set(false);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('escapes what the desktop entry spec reserves in an Exec argument', () => {
    const configHome = path.join(tmp.dir, 'config');
    xdgAutostart(configHome, '/apps/$HOME"100%"\\x').setLoginItemSettings({ openAtLogin: true });
    const exec = fs.readFileSync(path.join(configHome, 'autostart', 'airlock.desktop'), 'utf8').match(/^Exec=(.*)$/m)?.[1];
    expect(exec).toBe('"/apps/\\\\$HOME\\\\"100%%\\\\"\\\\\\\\x"');
  });
});
