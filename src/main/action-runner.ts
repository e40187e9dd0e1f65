import { viewHash, type ActionRunner, type TrayAction } from './tray-action.js';

/** What the tray's and the notifications' actions reach. */
export interface ActionTargets {
  /** The HostApi (HostApiService.invoke): approvals and quarantines go through its checks like the window's. */
  invoke(method: string, params: unknown): Promise<unknown>;
  /** Shows the window at a location hash. */
  openWindow(hash: string): void;
  quit(): void;
  /** Turns start at login on or off (absent where the platform has no login items). */
  toggleStartAtLogin?(): void;
  /** Tells the user something failed (a dialog or a notification). */
  report(message: string): void;
}

/** Carries out tray and notification actions; a refusal (say, the surface changed again since it was shown) is reported, never thrown. */
export function createActionRunner(targets: ActionTargets): ActionRunner {
  return async (action: TrayAction) => {
    try {
      switch (action.kind) {
        case 'open':
          return targets.openWindow(viewHash(action));
        case 'quit':
          return targets.quit();
        case 'toggle-start-at-login':
          return targets.toggleStartAtLogin?.();
        case 'approve':
          await targets.invoke('approve', { server: action.server, ...itemOf(action), hash: action.hash });
          return;
        case 'quarantine':
          await targets.invoke('quarantine', { server: action.server, ...itemOf(action), reason: 'quarantined from the Airlock tray' });
          return;
        case 'sign-in':
          await targets.invoke('signIn', { server: action.server });
          return;
        case 'allow-once':
          for (const holdId of action.holdIds) await targets.invoke('allowOnce', { holdId });
          return;
      }
    } catch (error) {
      const verb = action.kind === 'toggle-start-at-login' ? 'change whether it starts at login for' : action.kind === 'allow-once' ? 'let through once the call to' : action.kind === 'sign-in' ? 'sign in to' : action.kind;
      targets.report(`Airlock could not ${verb} ${targetText(action)}: ${(error as Error).message}`);
    }
  };
}

function itemOf(action: { itemKind?: string; key?: string }): { kind?: string; key?: string } {
  return action.key === undefined ? {} : { kind: action.itemKind ?? 'tool', key: action.key };
}

function targetText(action: TrayAction): string {
  if (action.kind === 'approve' || action.kind === 'quarantine') {
    return action.key === undefined ? `"${action.server}"` : `${action.itemKind ?? 'tool'} "${action.key}" on "${action.server}"`;
  }
  if (action.kind === 'allow-once') return `"${action.key}" on "${action.server}"`;
  if (action.kind === 'sign-in') return `"${action.server}"`;
  return action.kind === 'open' ? `the ${action.view} view` : 'Airlock';
}
