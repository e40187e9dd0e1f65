import { describe, expect, it } from 'vitest';
import { homePath, routeText, unifiedDiffLines } from '../../src/renderer/views/clients/clients-text.js';

describe('client texts', () => {
  it('shows a path under the home as ~, on POSIX and Windows, and leaves other paths whole', () => {
    expect(homePath('/home/ada/.cursor/mcp.json', '/home/ada')).toBe('~/.cursor/mcp.json');
    expect(homePath('C:\\Users\\ada\\.cursor\\mcp.json', 'C:\\Users\\ada')).toBe('~\\.cursor\\mcp.json');
    expect(homePath('/home/adam/x.json', '/home/ada')).toBe('/home/adam/x.json');
  });

  it('names every secret a route moves to the secret store', () => {
    expect(routeText({ name: 'gh', server: 'github', secretKeys: ['A', 'B', 'C'] })).toBe(`route "gh" through Airlock server "github"; moves A, B and C to Airlock's secret store`);
    expect(routeText({ name: 'fs', server: 'fs', secretKeys: [] })).toBe('route "fs" through Airlock server "fs"');
  });

  it('classifies unified diff lines, reading "---" inside a hunk as a removed line', () => {
    const lines = unifiedDiffLines('--- a\n+++ b\n@@ -1,2 +1,2 @@\n keep\n---\n+x\n');
    expect(lines.map((l) => l.kind)).toEqual(['header', 'header', 'hunk', 'context', 'del', 'add']);
  });
});
