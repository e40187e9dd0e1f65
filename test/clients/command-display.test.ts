import { describe, expect, it } from 'vitest';
import { displayCommand } from '../../src/clients/command-display.js';

describe('displayCommand', () => {
  it('shows the command with every argument, quoted as a shell would read it back', () => {
    expect(displayCommand('npx', ['-y', '@modelcontextprotocol/server-filesystem', '/home/ada/my notes'])).toBe("npx -y @modelcontextprotocol/server-filesystem '/home/ada/my notes'");
  });

  it('shows secret-looking arguments as ***, whole or after their =', () => {
    expect(displayCommand('server', ['--token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', '--api-key=s3cr3t', '--dir', '/notes'])).toBe('server --token *** --api-key=*** --dir /notes');
  });
});
