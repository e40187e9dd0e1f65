import { describe, expect, it } from 'vitest';
import { trayIconFile, trayState } from '../../src/main/tray-state.js';
import { server } from './host-api-fixtures.js';

describe('trayState', () => {
  it('shows the worst state across servers: RED over AMBER over GREEN', () => {
    expect(trayState([server('a', 'GREEN'), server('b', 'AMBER')], 'linux').state).toBe('AMBER');
    expect(trayState([server('a', 'AMBER'), server('b', 'RED'), server('c', 'GREEN')], 'linux').state).toBe('RED');
    expect(trayState([server('a', 'GREEN'), server('b', 'GREEN')], 'linux').state).toBe('GREEN');
  });

  it('is IDLE with a neutral icon and says so when there is no server yet', () => {
    expect(trayState([], 'win32')).toEqual({ state: 'IDLE', tooltip: 'Airlock: no servers yet', icon: 'tray-idle.png' });
  });

  it('counts servers, quarantines, items waiting for review and held calls in the tooltip', () => {
    const servers = [server('fs', 'AMBER', { held: 2, pendingCalls: 1 }), server('gh', 'RED'), server('mem', 'GREEN')];
    expect(trayState(servers, 'linux').tooltip).toBe('Airlock: 3 servers · 1 quarantined · 2 items wait for review · 1 call held');
  });

  it('uses singular and plural words, and says all is as approved when nothing waits', () => {
    expect(trayState([server('fs', 'AMBER', { held: 1, pendingCalls: 3 })], 'linux').tooltip).toBe('Airlock: 1 server · 1 item waits for review · 3 calls held');
    expect(trayState([server('fs', 'GREEN'), server('gh', 'GREEN')], 'linux').tooltip).toBe('Airlock: 2 servers · all as approved');
  });

  it('names template images (base name ending in "Template") on macOS and colour icons elsewhere', () => {
    expect(trayIconFile('AMBER', 'darwin')).toBe('tray-amberTemplate.png');
    expect(trayIconFile('RED', 'win32')).toBe('tray-red.png');
    expect(trayIconFile('GREEN', 'linux')).toBe('tray-green.png');
  });
});
