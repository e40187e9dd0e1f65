import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../host/private-file.js';

/** The part of Electron's app used here (macOS and Windows; on Linux, xdgAutostart below). */
export interface LoginItemAppLike {
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  getLoginItemSettings(): { openAtLogin: boolean };
}

/** Passed when started at login, so the app starts in the tray without opening its window. */
export const STARTED_AT_LOGIN_ARG = '--hidden';
export const DESKTOP_SETTINGS_FILE = 'desktop-settings.json';

/** The tray app's own settings; keys this version does not know are kept as they are. */
const DesktopSettingsSchema = z.looseObject({ startAtLogin: z.boolean().optional() });
type DesktopSettings = z.infer<typeof DesktopSettingsSchema>;

/**
 * "Start Airlock at login": off unless the user turns it on. The choice lives in a small
 * settings file and is applied again at each start, so the login item follows the app when an
 * update moves its executable.
 */
export class StartAtLogin {
  constructor(
    private readonly app: LoginItemAppLike,
    private readonly settingsFile: string,
  ) {}

  get enabled(): boolean {
    return this.read().startAtLogin ?? false;
  }

  set(enabled: boolean): void {
    this.app.setLoginItemSettings({ openAtLogin: enabled, args: [STARTED_AT_LOGIN_ARG] });
    fs.mkdirSync(path.dirname(this.settingsFile), { recursive: true, mode: 0o700 });
    writeFileAtomically(this.settingsFile, `${JSON.stringify({ ...this.read(), startAtLogin: enabled }, null, 2)}\n`, 'desktop settings file');
  }

  /** At startup: makes the OS's login item match the saved choice; returns it. */
  applySaved(): boolean {
    const enabled = this.enabled;
    if (this.app.getLoginItemSettings().openAtLogin !== enabled) this.app.setLoginItemSettings({ openAtLogin: enabled, args: [STARTED_AT_LOGIN_ARG] });
    return enabled;
  }

  private read(): DesktopSettings {
    try {
      const parsed = DesktopSettingsSchema.safeParse(JSON.parse(fs.readFileSync(this.settingsFile, 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {}; // missing or unreadable: the defaults
    }
  }
}

/**
 * Electron's login items do nothing on Linux; there, the XDG autostart folder does the job:
 * `<configHome>/autostart/airlock.desktop`. `command` is the app's executable (the AppImage
 * itself when run from one).
 */
export function xdgAutostart(configHome: string, command: string): LoginItemAppLike {
  const file = path.join(configHome, 'autostart', 'airlock.desktop');
  return {
    setLoginItemSettings({ openAtLogin, args = [] }) {
      if (!openAtLogin) return void fs.rmSync(file, { force: true });
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const exec = [command, ...args].map(desktopExecArg).join(' ');
      fs.writeFileSync(file, `[Desktop Entry]\nType=Application\nName=Airlock\nComment=Airlock tray app\nExec=${exec}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n`);
    },
    getLoginItemSettings() {
      return { openAtLogin: fs.existsSync(file) };
    },
  };
}

/** One argument of a desktop entry's Exec line: quoted, with the spec's two escaping layers and "%" doubled. */
function desktopExecArg(arg: string): string {
  if (/[\r\n]/.test(arg)) throw new Error(`a login item argument cannot contain a line break: ${JSON.stringify(arg)}`);
  const quoted = `"${arg.replace(/[\\"`$]/g, '\\$&').replaceAll('%', '%%')}"`;
  return quoted.replaceAll('\\', '\\\\');
}
