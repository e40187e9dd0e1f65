import type { ServerSummary } from '../shared/host-api/index.js';

/** The tray's light: the worst server state, or IDLE (a neutral icon) before any server exists. */
export type TrayLight = 'GREEN' | 'AMBER' | 'RED' | 'IDLE';

export interface TrayState {
  state: TrayLight;
  tooltip: string;
  /** The icon's file name in resources/tray (the @2x sibling is found by the OS). */
  icon: string;
}

const RANK: Record<TrayLight, number> = { IDLE: 0, GREEN: 1, AMBER: 2, RED: 3 };

/** The worst state across servers (RED > AMBER > GREEN), the counts a glance needs, and the icon to show. */
export function trayState(servers: readonly ServerSummary[], platform: NodeJS.Platform): TrayState {
  const state = servers.reduce<TrayLight>((worst, s) => (RANK[s.state] > RANK[worst] ? s.state : worst), servers.length === 0 ? 'IDLE' : 'GREEN');
  return { state, tooltip: trayTooltip(servers), icon: trayIconFile(state, platform) };
}

/** "Airlock: 3 servers · 1 quarantined · 2 items wait for review · 1 call held". */
export function trayTooltip(servers: readonly ServerSummary[]): string {
  if (servers.length === 0) return 'Airlock: no servers yet';
  const quarantined = servers.filter((s) => s.state === 'RED').length;
  const items = servers.reduce((n, s) => n + s.held, 0);
  const calls = servers.reduce((n, s) => n + s.pendingCalls, 0);
  const parts = [count(servers.length, 'server', 'servers')];
  if (quarantined > 0) parts.push(`${quarantined} quarantined`);
  if (items > 0) parts.push(count(items, 'item waits for review', 'items wait for review'));
  if (calls > 0) parts.push(count(calls, 'call held', 'calls held'));
  if (parts.length === 1) parts.push('all as approved');
  return `Airlock: ${parts.join(' · ')}`;
}

/**
 * macOS menu-bar icons are template images (black and alpha, recoloured by the OS), which
 * Electron recognises by a base name ending in "Template"; other platforms get colour.
 */
export function trayIconFile(state: TrayLight, platform: NodeJS.Platform): string {
  const name = state.toLowerCase();
  return platform === 'darwin' ? `tray-${name}Template.png` : `tray-${name}.png`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
