import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, safeStorage, session, shell, Tray } from 'electron';
import { clientDirs } from '../clients/client-dirs.js';
import { xdgConfigHome } from '../clients/platform-dirs.js';
import { defaultHome } from '../engine/store/home-dir.js';
import { appLauncher } from '../host/airlock-launcher.js';
import { DEFAULT_MCP_PORT, lastMcpPort } from '../host/mcp-port.js';
import { Host } from '../host/host.js';
import { installCrashReporting } from '../host/crash-report/index.js';
import type { ReviewItem } from '../shared/host-api/index.js';
import { createActionRunner } from './action-runner.js';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES } from './app-origin.js';
import { registerAppProtocol } from './app-protocol.js';
import { clickableTemplate } from './clickable-menu.js';
import { startHostForApp, stopHostBeforeQuit } from './host-lifecycle.js';
import { registerHostApiIpc } from './ipc-host-api.js';
import { DESKTOP_SETTINGS_FILE, STARTED_AT_LOGIN_ARG, StartAtLogin, xdgAutostart } from './login-item.js';
import { HoldNotifier, SignInNotifier } from './notifications.js';
import { isBrowserUrl } from './window-guards.js';
import { secretVaultForApp } from './secret-backend.js';
import { ensureSingleInstance } from './single-instance.js';
import { TrayController, type TraySnapshot } from './tray-controller.js';
import { followTraySnapshot } from './tray-feed.js';
import { trayIconFile } from './tray-state.js';
import { trustedSender } from './trusted-sender.js';
import { installWindowGuards } from './window-guards.js';
import { windowOptions } from './window-options.js';

/*
 * The Electron wiring, and only that: every piece it connects takes the few Electron
 * capabilities it needs through a small interface and is tested on plain Node with fakes
 * (test/main). What is left here is a few lines per piece.
 */

const here = import.meta.dirname;
const rendererDir = path.join(here, '../renderer');
const preload = path.join(here, '../preload/index.cjs');
const iconDir = app.isPackaged ? path.join(process.resourcesPath, 'tray') : path.join(here, '../../resources/tray');
/** Started at login or by `airlock connect --start-app`: the tray only, no window. */
const background = process.argv.includes(STARTED_AT_LOGIN_ARG) || process.argv.includes('--background');

let window: BrowserWindow | null = null;
let tray: Tray | null = null;
// A crash of the main process keeps a scrubbed local report (src/host/crash-report); never sent.
const crashReporting = installCrashReporting({ home: defaultHome(process.env), component: 'app-main', packageRoot: app.getAppPath(), airlockVersion: app.getVersion() });

// A real origin (app://airlock) for the CSP's 'self' and the IPC sender check; must precede ready.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

function showWindow(hash = '#/live'): void {
  if (window === null || window.isDestroyed()) {
    window = new BrowserWindow(windowOptions(preload));
    installWindowGuards(window.webContents, shell, session.defaultSession);
    window.once('ready-to-show', () => window?.show());
    window.on('closed', () => (window = null));
    void window.loadURL(`${APP_INDEX_URL}${hash}`);
    return;
  }
  if (hash !== '#/live') void window.webContents.executeJavaScript(`window.location.hash = ${JSON.stringify(hash)}`);
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/**
 * The shipped connect script. An AppImage's files live in a mount that is gone when the app
 * quits, so there it is copied into the Airlock home, where client configs can keep pointing.
 */
function connectScript(home: string): string {
  const shipped = path.join(process.resourcesPath, 'airlock-connect.mjs');
  if (process.env.APPIMAGE === undefined) return shipped;
  const copy = path.join(home, 'bin', 'airlock-connect.mjs');
  fs.mkdirSync(path.dirname(copy), { recursive: true, mode: 0o700 });
  fs.copyFileSync(shipped, copy);
  return copy;
}

async function start(): Promise<void> {
  const home = defaultHome(process.env);
  const secrets = await secretVaultForApp({
    home,
    safeStorage,
    platform: process.platform,
    askFileStore: async (reason, file) =>
      (
        await dialog.showMessageBox({
          type: 'warning',
          title: 'No keychain for Airlock',
          message: 'Airlock cannot keep your servers\' tokens in the OS keychain.',
          detail: `Why: ${reason}.\n\nAirlock can keep them in ${file} instead: readable only by your user account, but not encrypted. Anyone who can read your files as you can read them.\n\nWithout either, Airlock keeps running but refuses to store new tokens.`,
          buttons: ['Use the file (not encrypted)', 'Do not store tokens'],
          defaultId: 1,
          cancelId: 1,
          noLink: true,
        })
      ).response === 0,
  });
  const started = await startHostForApp({
    home,
    startHost: (options) =>
      Host.start({
        ...options,
        secrets: secrets.vault,
        // The receipt signing key and remote servers' sign-ins are sealed with the keychain too, when there is one.
        ...(secrets.cipher ? { keyCipher: secrets.cipher, oauthCipher: secrets.cipher } : {}),
        // A sign-in's consent page opens in the user's browser, never in an Airlock window.
        openBrowser: (url) => (isBrowserUrl(url) ? shell.openExternal(url.href).then(() => true, () => false) : false),
        clients: clientDirs(),
        // HTTP-only clients reach servers at the same address every start: the home's last port, else Airlock's usual one.
        mcpPort: 0,
        preferredMcpPort: lastMcpPort(home) ?? DEFAULT_MCP_PORT,
        // Packaged, RunAsNode is off: client entries run the shipped connect script with the user's Node.
        ...(app.isPackaged ? { clientLauncher: () => appLauncher({ connectScript: connectScript(home), appExecutable: process.env.APPIMAGE ?? process.execPath, home, env: process.env }) } : {}),
      }),
    dialog: { showMessageBox: (options) => dialog.showMessageBox(options) },
    kill: (pid, signal) => process.kill(pid, signal),
  });
  if (!started.started) {
    dialog.showErrorBox('Airlock could not start', started.reason);
    app.exit(1);
    return;
  }
  const host = started.host;
  crashReporting.serverNames(() => host.servers().map((s) => s.name));
  stopHostBeforeQuit(app, host);
  registerAppProtocol(protocol, rendererDir);
  registerHostApiIpc(ipcMain, host.api, trustedSender(() => window?.webContents.id));

  // Electron's login items do nothing on Linux; the XDG autostart folder does (the AppImage itself when run from one).
  const loginItems = process.platform === 'linux' ? xdgAutostart(xdgConfigHome(clientDirs()), process.env.APPIMAGE ?? process.execPath) : app;
  const startAtLogin = new StartAtLogin(loginItems, path.join(home, DESKTOP_SETTINGS_FILE));
  startAtLogin.applySaved();
  let lastSnapshot: TraySnapshot | null = null;

  const run = createActionRunner({
    invoke: (method, params) => host.api.invoke(method, params),
    openWindow: (hash) => showWindow(hash),
    quit: () => app.quit(),
    report: (message) => void dialog.showMessageBox({ type: 'error', title: 'Airlock', message }),
    toggleStartAtLogin: () => {
      startAtLogin.set(!startAtLogin.enabled);
      if (lastSnapshot !== null) controller.refresh(lastSnapshot);
    },
  });
  tray = new Tray(path.join(iconDir, trayIconFile('IDLE', process.platform)));
  const controller = new TrayController({
    tray,
    buildMenu: (items, onAction) => Menu.buildFromTemplate(clickableTemplate(items, onAction)),
    run,
    iconDir,
    platform: process.platform,
    startAtLogin: () => startAtLogin.enabled,
  });
  followTraySnapshot(host.api, (snapshot) => {
    lastSnapshot = snapshot;
    // Read by the Electron smoke test (test/main/electron-smoke.test.ts); harmless otherwise.
    (globalThis as { airlockTrayState?: string }).airlockTrayState = controller.refresh(snapshot).state;
  });
  const notifier = new HoldNotifier({
    factory: { isSupported: () => Notification.isSupported(), create: (options) => new Notification(options) },
    platform: process.platform,
    run,
    // invoke has checked the answer against the HostApi's schema already.
    loadReview: async (server) => (await host.api.invoke('review', { server })) as ReviewItem[],
  });
  host.api.subscribe((event) => notifier.onEvent(event));
  const signInNotifier = new SignInNotifier({ factory: { isSupported: () => Notification.isSupported(), create: (options) => new Notification(options) }, platform: process.platform, run });
  host.api.subscribe((event) => signInNotifier.onEvent(event));

  if (!background) showWindow();
}

// Windows shows notifications only for an app with an AppUserModelId (the installer's appId).
if (process.platform === 'win32') app.setAppUserModelId('dev.airlock.desktop');

if (!ensureSingleInstance(app, () => showWindow())) {
  app.quit();
} else {
  void app.whenReady().then(start);
  // A tray app: closing the window leaves Airlock guarding in the background.
  app.on('window-all-closed', () => undefined);
  app.on('web-contents-created', (_event, contents) => contents.on('will-attach-webview', (event) => event.preventDefault()));
}
