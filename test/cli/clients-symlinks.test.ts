import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixtureHome, type FixtureHome } from '../clients/fixture-home.js';
import { runCli } from '../support/run-cli.js';

/**
 * Dotfile managers (stow, chezmoi's symlink mode, home-manager) leave client configs as symbolic
 * links into a repository. Install and restore must change the file the link names and leave the
 * link a link, pointing where it pointed.
 */
let homes: FixtureHome[] = [];
afterEach(() => {
  for (const h of homes) h.cleanup();
  homes = [];
});

const DESKTOP = path.join('.config', 'Claude', 'claude_desktop_config.json');
const CURSOR = path.join('.cursor', 'mcp.json');

/** The linux fixture home with Claude Desktop's file behind a relative link and Cursor's behind an absolute one, both into ~/dotfiles. */
function linkedHome() {
  const h = copyFixtureHome('linux');
  homes.push(h);
  const dotfiles = path.join(h.dir, 'dotfiles');
  fs.mkdirSync(path.join(dotfiles, 'claude'), { recursive: true });
  const desktopTarget = path.join(dotfiles, 'claude', 'desktop.json');
  const cursorTarget = path.join(dotfiles, 'cursor-mcp.json');
  fs.renameSync(path.join(h.userHome, DESKTOP), desktopTarget);
  fs.renameSync(path.join(h.userHome, CURSOR), cursorTarget);
  const desktopLink = path.relative(path.join(h.userHome, path.dirname(DESKTOP)), desktopTarget);
  fs.symlinkSync(desktopLink, path.join(h.userHome, DESKTOP));
  fs.symlinkSync(cursorTarget, path.join(h.userHome, CURSOR));
  return { h, links: [
    { link: path.join(h.userHome, DESKTOP), points: desktopLink, target: desktopTarget, original: fs.readFileSync(desktopTarget) },
    { link: path.join(h.userHome, CURSOR), points: cursorTarget, target: cursorTarget, original: fs.readFileSync(cursorTarget) },
  ] };
}

function cli(h: FixtureHome, args: string[]) {
  return runCli(['--home', h.airlockHome, ...args]);
}

describe('client config files that are symbolic links', () => {
  it('install writes through a relative and an absolute link; both stay links to the same place, and restore gives the targets back', () => {
    const { h, links } = linkedHome();
    expect(links[0]!.points.startsWith('..')).toBe(true);

    const install = cli(h, ['clients', 'install', '--yes', ...h.where()]);
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    for (const { link, points, target, original } of links) {
      expect(fs.lstatSync(link).isSymbolicLink(), link).toBe(true);
      expect(fs.readlinkSync(link)).toBe(points);
      const now = fs.readFileSync(target);
      expect(now.equals(original), `${target} changed`).toBe(false);
      expect(now.toString('utf8')).toContain('"connect"');
      // No temp file left beside the link or the target.
      for (const dir of [path.dirname(link), path.dirname(target)]) expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    }

    const restore = cli(h, ['clients', 'restore', '--yes']);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    for (const { link, points, target, original } of links) {
      expect(fs.lstatSync(link).isSymbolicLink(), link).toBe(true);
      expect(fs.readlinkSync(link)).toBe(points);
      expect(fs.readFileSync(target).equals(original), `${target} restored`).toBe(true);
    }
  });

  it('install keeps the target file mode, and a link to a link is followed to the end', () => {
    const { h, links } = linkedHome();
    const [desktop] = links;
    // ~/dotfiles/claude/desktop.json → ./real/desktop.json (a second hop), mode 0640.
    const realDir = path.join(path.dirname(desktop!.target), 'real');
    fs.mkdirSync(realDir);
    const real = path.join(realDir, 'desktop.json');
    fs.renameSync(desktop!.target, real);
    fs.symlinkSync(path.join('real', 'desktop.json'), desktop!.target);
    fs.chmodSync(real, 0o640);

    const install = cli(h, ['clients', 'install', '--yes', '--client', 'claude-desktop', ...h.where()]);
    expect(install.status).toBe(0);
    expect(fs.lstatSync(desktop!.link).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(desktop!.target).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(desktop!.target)).toBe(path.join('real', 'desktop.json'));
    expect(fs.readFileSync(real, 'utf8')).toContain('"connect"');
    expect(fs.statSync(real).mode & 0o777).toBe(0o640);
  });

  it('a dangling link is refused with a message naming it and where it points; the other clients are listed and installed', () => {
    const h = copyFixtureHome('linux');
    homes.push(h);
    const windsurf = path.join(h.userHome, '.codeium', 'windsurf', 'mcp_config.json');
    fs.rmSync(windsurf);
    fs.symlinkSync('../../dotfiles/gone.json', windsurf);

    const list = cli(h, ['clients', 'list', '--json', ...h.where()]);
    expect(list.status).toBe(0);
    const clients = (JSON.parse(list.stdout) as { clients: { id: string; files: { path: string; error?: string; servers: unknown[] }[] }[] }).clients;
    const file = clients.find((c) => c.id === 'windsurf')?.files[0];
    expect(file?.path).toBe(windsurf);
    expect(file?.error).toBe(`${windsurf} is a symbolic link to ../../dotfiles/gone.json, which does not exist; Airlock left it untouched. Point the link at the real file (or remove it) and run the command again.`);
    expect(clients.find((c) => c.id === 'cursor')?.files.some((f) => f.servers.length > 0)).toBe(true);

    const install = cli(h, ['clients', 'install', '--yes', ...h.where()]);
    expect(install.stderr).toContain(`${windsurf} is a symbolic link to ../../dotfiles/gone.json, which does not exist`);
    expect(install.status).toBe(1);
    expect(fs.readFileSync(path.join(h.userHome, CURSOR), 'utf8')).toContain('"connect"');
    expect(fs.readlinkSync(windsurf)).toBe('../../dotfiles/gone.json');
  });

  it('restore through a link that dangles since the install says so and writes nothing there', () => {
    const { h, links } = linkedHome();
    expect(cli(h, ['clients', 'install', '--yes', ...h.where()]).status).toBe(0);
    const [desktop] = links;
    fs.rmSync(desktop!.target);

    const restore = cli(h, ['clients', 'restore', '--yes']);
    expect(restore.stdout).toContain(`${desktop!.link} is a symbolic link to ${desktop!.points}, which does not exist`);
    expect(restore.status).toBe(1);
    expect(fs.existsSync(desktop!.target)).toBe(false);
    expect(fs.lstatSync(desktop!.link).isSymbolicLink()).toBe(true);
    // The other link's file is given back all the same.
    expect(fs.readFileSync(links[1]!.target).equals(links[1]!.original)).toBe(true);
  });
});
