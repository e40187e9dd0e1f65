import path from 'node:path';
import type { ReviewItem, ServerSummary } from '../shared/host-api/index.js';
import type { ActionRunner, TrayAction } from './tray-action.js';
import { trayMenu, type TrayMenuItem } from './tray-menu.js';
import { trayState, type TrayState } from './tray-state.js';

/** The part of Electron's Tray the controller uses. */
export interface TrayLike<M> {
  setImage(image: string): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: M): void;
}

/** Builds the platform's menu from the plain template; `run` is what a click on an entry with an action calls. */
export type MenuFactory<M> = (items: readonly TrayMenuItem[], run: (action: TrayAction) => void) => M;

/** What the tray shows, as the HostApi reports it. */
export interface TraySnapshot {
  servers: readonly ServerSummary[];
  review: readonly ReviewItem[];
}

export interface TrayControllerOptions<M> {
  tray: TrayLike<M>;
  buildMenu: MenuFactory<M>;
  run: ActionRunner;
  /** resources/tray in the packaged app. */
  iconDir: string;
  platform: NodeJS.Platform;
  /** Whether the app starts at login, for the menu's checkbox (no checkbox when absent). */
  startAtLogin?: () => boolean;
}

export class TrayController<M> {
  constructor(private readonly options: TrayControllerOptions<M>) {}

  /**
   * Sets the image, the tooltip and the whole menu every time: Linux app indicators only show a
   * changed menu when it is set again, and a fresh menu carries the approval hashes of now.
   */
  refresh(snapshot: TraySnapshot): TrayState {
    const { tray, buildMenu, run, iconDir, platform, startAtLogin } = this.options;
    const state = trayState(snapshot.servers, platform);
    tray.setImage(path.join(iconDir, state.icon));
    tray.setToolTip(state.tooltip);
    tray.setContextMenu(buildMenu(trayMenu(snapshot.review, startAtLogin ? { startAtLogin: startAtLogin() } : {}), (action) => void run(action)));
    return state;
  }
}
