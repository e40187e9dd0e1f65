import { describe, expect, it } from 'vitest';
import { displayCommand } from '../../src/clients/command-display.js';

describe('displayCommand', () => {
  it('shows the command with every argument, quoted as a shell would read it back', () => {
    expect(displayCommand('npx', ['-y', '@modelcontextprotocol/server-filesystem', '/home/ada/my notes'])).toBe("npx -y @modelcontextprotocol/server-filesystem '/home/ada/my notes'");
  });

  it('shows secret-looking arguments as ***, whole or after their =', () => {
    expect(displayCommand('server', ['--token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', '--api-key=s3cr3t', '--dir', '/notes'])).toBe('server --token *** --api-key=*** --dir /notes');
  });

  it('shows a package pinned to its exact version as it is, while a long token-like word stays hidden', () => {
    expect(displayCommand('npx', ['-y', 'mcp-server-git@1.2.3'])).toBe('npx -y mcp-server-git@1.2.3');
    expect(displayCommand('npx', ['-y', 'airlock-provenance-fixture@1.0.0-beta.2'])).toBe('npx -y airlock-provenance-fixture@1.0.0-beta.2');
    expect(displayCommand('server', ['abcdefghij0123456789klmnop'])).toBe('server ***');
    expect(displayCommand('server', ['user@abcdefghij0123456789'])).toBe('server ***');
  });
});
