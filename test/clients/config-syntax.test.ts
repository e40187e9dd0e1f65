import { describe, expect, it } from 'vitest';
import { ConfigParseError, editConfigText, parseConfigText } from '../../src/clients/config-syntax.js';

const JSONC = `// my VS Code MCP servers
{
\t"inputs": [
\t\t{ "type": "promptString", "id": "key", "password": true }, // prompted once
\t],
\t"servers": {
\t\t/* the files server */
\t\t"files": {
\t\t\t"command": "npx",
\t\t\t"args": ["-y", "server-files"],
\t\t\t"env": { "A": "1" },
\t\t},
\t},
}`;

describe('editing JSONC', () => {
  it('changes only the edited values: comments, trailing commas, tabs and the missing final newline stay', () => {
    const out = editConfigText(JSONC, 'jsonc', [
      { path: ['servers', 'files', 'command'], value: '/usr/bin/node' },
      { path: ['servers', 'files', 'env'], value: undefined },
    ], 'mcp.json');
    expect(out).toContain('// my VS Code MCP servers\n');
    expect(out).toContain('}, // prompted once\n\t],');
    expect(out).toContain('\t\t/* the files server */\n');
    expect(out).toContain('\t\t\t"command": "/usr/bin/node",\n');
    expect(out).not.toContain('"env"');
    expect(out.endsWith('}')).toBe(true);
    expect(parseConfigText(out, 'jsonc', 'mcp.json')).toEqual({
      inputs: [{ type: 'promptString', id: 'key', password: true }],
      servers: { files: { command: '/usr/bin/node', args: ['-y', 'server-files'] } },
    });
  });

  it('keeps CRLF line endings and a byte-order mark', () => {
    const text = '\uFEFF{\r\n  "mcpServers": {\r\n    "a": { "command": "x" }\r\n  }\r\n}\r\n';
    const out = editConfigText(text, 'jsonc', [{ path: ['mcpServers', 'a', 'args'], value: ['y'] }], 'c.json');
    expect(out.startsWith('\uFEFF{\r\n')).toBe(true);
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('names the line and column of a syntax error', () => {
    const text = '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": {}\n  }\n}\n';
    expect(() => parseConfigText(text, 'jsonc', '/home/me/.cursor/mcp.json')).toThrow(ConfigParseError);
    expect(() => parseConfigText(text, 'jsonc', '/home/me/.cursor/mcp.json')).toThrow(/^\/home\/me\/\.cursor\/mcp\.json:4:5: cannot be parsed \(comma expected\)/);
  });
});

const TOML = `# Codex settings
model = "o3" # fast enough

[mcp_servers.docs]
# documentation lookups
command = "npx"
args = ["-y", "docs-mcp"] # pinned later
env = { TOKEN = "abc" }

[profiles.fast]
model = "o4-mini"
`;

describe('editing TOML', () => {
  it('keeps full-line and trailing comments and the other tables', () => {
    const out = editConfigText(TOML, 'toml', [
      { path: ['mcp_servers', 'docs', 'command'], value: '/usr/bin/node' },
      { path: ['mcp_servers', 'docs', 'args'], value: ['airlock.js', 'connect', 'docs'] },
      { path: ['mcp_servers', 'docs', 'env'], value: undefined },
    ], 'config.toml');
    for (const line of ['# Codex settings', 'model = "o3" # fast enough', '# documentation lookups', '[profiles.fast]', 'model = "o4-mini"']) expect(out).toContain(line);
    expect(out).toContain('args = ["airlock.js", "connect", "docs"] # pinned later');
    expect(out).not.toContain('TOKEN');
  });

  it('names the line of a syntax error', () => {
    expect(() => parseConfigText('a = 1\nb = = 2\n', 'toml', 'config.toml')).toThrow(/^config\.toml:2:\d+: cannot be parsed/);
  });
});

const YAML = `# Continue config
name: Local
version: 1.0.0
schema: v1
defaults: &defaults
  type: stdio
  env:
    LOG: debug   # loud
mcpServers:
  - name: Memory   # remembers
    <<: *defaults
    command: npx
    args: ["-y", "server-memory"]
`;

describe('editing YAML', () => {
  it('keeps comments, their spacing, the anchor and the alias', () => {
    const out = editConfigText(YAML, 'yaml', [
      { path: ['mcpServers', 0, 'command'], value: '/usr/bin/node' },
      { path: ['mcpServers', 0, 'args'], value: ['airlock.js', 'connect', 'Memory'] },
    ], 'config.yaml');
    for (const line of ['# Continue config', 'defaults: &defaults', '    LOG: debug   # loud', '  - name: Memory   # remembers', '    <<: *defaults']) expect(out).toContain(line);
    expect(out).toContain('command: /usr/bin/node');
    const parsed = parseConfigText(out, 'yaml', 'config.yaml') as { mcpServers: Record<string, unknown>[] };
    expect(parsed.mcpServers[0]).toMatchObject({ name: 'Memory', command: '/usr/bin/node', args: ['airlock.js', 'connect', 'Memory'] });
  });

  it('names the line of a syntax error', () => {
    expect(() => parseConfigText('mcpServers:\n  - name: a\n   command: [x\n', 'yaml', 'config.yaml')).toThrow(/^config\.yaml:\d+:\d+: cannot be parsed/);
  });
});

describe('YAML that parses but cannot be resolved', () => {
  // Found by the JSON-readers fuzz property: an alias with no anchor threw yaml's ReferenceError.
  it('reports an alias without its anchor as a parse error naming the file', () => {
    expect(() => parseConfigText('mcpServers: *servers\n', 'yaml', '/home/me/.continue/config.yaml')).toThrow(ConfigParseError);
    expect(() => parseConfigText('mcpServers: *servers\n', 'yaml', '/home/me/.continue/config.yaml')).toThrow(/config\.yaml:1:\d+: cannot be parsed \(.*anchor/);
  });
});
