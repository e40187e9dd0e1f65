import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrayController, type TrayLike } from '../../src/main/tray-controller.js';
import type { TrayAction } from '../../src/main/tray-action.js';
import type { TrayMenuItem } from '../../src/main/tray-menu.js';
import { reviewItem, server } from './host-api-fixtures.js';

/** A tray that records what it was told to show. */
function recordingTray() {
  const calls: string[] = [];
  let menu: { items: readonly TrayMenuItem[]; run: (a: TrayAction) => void } | undefined;
  const tray: TrayLike<typeof menu> = {
    setImage: (image) => calls.push(`image ${image}`),
    setToolTip: (text) => calls.push(`tooltip ${text}`),
    setContextMenu: (m) => {
      menu = m;
      calls.push(`menu ${m?.items.length} items`);
    },
  };
  return { tray, calls, menu: () => menu };
}

function controller(platform: NodeJS.Platform = 'linux') {
  const recorded = recordingTray();
  const ran: TrayAction[] = [];
  const tray = new TrayController({
    tray: recorded.tray,
    buildMenu: (items, run) => ({ items, run }),
    run: async (a) => void ran.push(a),
    iconDir: '/res/tray',
    platform,
  });
  return { ...recorded, tray, ran };
}

describe('TrayController', () => {
  it('sets image, tooltip and the whole menu on every refresh, even when nothing changed', () => {
    const c = controller();
    const snapshot = { servers: [server('fs', 'GREEN')], review: [] };
    c.tray.refresh(snapshot);
    c.tray.refresh(snapshot);
    const once = [`image ${path.join('/res/tray', 'tray-green.png')}`, 'tooltip Airlock: 1 server · all as approved', 'menu 5 items'];
    expect(c.calls).toEqual([...once, ...once]);
  });

  it('follows the state: an AMBER server with a held call shows the amber template icon on macOS and counts it', () => {
    const c = controller('darwin');
    const state = c.tray.refresh({ servers: [server('fs', 'AMBER', { held: 1, pendingCalls: 1 })], review: [reviewItem({ server: 'fs', key: 'read_file' })] });
    expect(state.state).toBe('AMBER');
    expect(c.calls).toEqual([`image ${path.join('/res/tray', 'tray-amberTemplate.png')}`, 'tooltip Airlock: 1 server · 1 item waits for review · 1 call held', 'menu 5 items']);
    expect(c.menu()?.items[1]).toMatchObject({ label: 'Pending reviews (1)' });
  });

  it('hands the menu a runner that carries out the clicked action', () => {
    const c = controller();
    c.tray.refresh({ servers: [], review: [] });
    c.menu()?.run({ kind: 'quit' });
    expect(c.ran).toEqual([{ kind: 'quit' }]);
  });
});
