import type { TrayAction } from './tray-action.js';
import type { TrayMenuItem } from './tray-menu.js';

/** A menu template in the shape Electron's `Menu.buildFromTemplate` takes, with actions turned into clicks. */
export interface ClickableMenuItem {
  type: 'normal' | 'submenu' | 'separator' | 'checkbox';
  checked?: boolean;
  label?: string;
  enabled?: boolean;
  submenu?: ClickableMenuItem[];
  click?: () => void;
}

export function clickableTemplate(items: readonly TrayMenuItem[], run: (action: TrayAction) => void): ClickableMenuItem[] {
  return items.map((item): ClickableMenuItem => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'checkbox': {
        const { action } = item;
        return { type: 'checkbox', label: item.label, checked: item.checked, click: () => run(action) };
      }
      case 'submenu':
        return { type: 'submenu', label: item.label, enabled: item.enabled, submenu: clickableTemplate(item.submenu, run) };
      case 'normal': {
        const { action } = item;
        return { type: 'normal', label: item.label, enabled: item.enabled, ...(action ? { click: () => run(action) } : {}) };
      }
    }
  });
}
