import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function importErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint keeps the rooms of DESIGN.md §1 apart', () => {
  it('rejects electron outside src/main and src/preload', async () => {
    for (const room of ['engine', 'proxy', 'clients', 'host', 'cli', 'renderer', 'shared']) {
      const errors = await importErrors(`src/${room}/probe.ts`, "import { app } from 'electron';\nexport const probe = app;\n");
      expect(errors, room).toEqual([expect.stringContaining('Only src/main and src/preload may import electron')]);
    }
  });

  it('allows electron in src/main and src/preload', async () => {
    expect(await importErrors('src/main/probe.ts', "import { app } from 'electron';\nexport const probe = app;\n")).toEqual([]);
    expect(await importErrors('src/preload/probe.ts', "import { contextBridge } from 'electron';\nexport const probe = contextBridge;\n")).toEqual([]);
  });

  it('rejects an engine import of any other room, at any depth', async () => {
    expect(await importErrors('src/engine/probe.ts', "import { x } from '../host/host.js';\nexport const probe = x;\n")).toEqual([
      expect.stringContaining('src/engine may import only src/input'),
    ]);
    expect(await importErrors('src/engine/gate/probe.ts', "import { x } from '../../proxy/relay.js';\nexport const probe = x;\n")).toHaveLength(1);
  });

  it('lets every room import src/input, and src/input import nothing of ours', async () => {
    for (const room of ['engine', 'proxy', 'clients', 'host', 'cli', 'main', 'preload', 'renderer', 'shared']) {
      expect(await importErrors(`src/${room}/probe.ts`, "import { parseStrictJson } from '../input/strict-json.js';\nexport const probe = parseStrictJson;\n"), room).toEqual([]);
    }
    expect(await importErrors('src/input/probe.ts', "import { x } from '../engine/gate/gate.js';\nexport const probe = x;\n")).toEqual([
      expect.stringContaining('src/input may import only nothing of ours'),
    ]);
  });

  it('lets the host import the engine, and forbids the engine from importing back', async () => {
    expect(await importErrors('src/host/probe.ts', "import { x } from '../engine/gate/gate.js';\nexport const probe = x;\n")).toEqual([]);
    expect(await importErrors('src/renderer/probe.ts', "import { x } from '../engine/gate/gate.js';\nexport const probe = x;\n")).toHaveLength(1);
  });
});
