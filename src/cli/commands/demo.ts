import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { verifyAuditChain } from '../../engine/audit/index.js';
import { openStore, putServerConfig } from '../../engine/store/index.js';
import { Host } from '../../host/host.js';
import type { HostEvents } from '../../host/host-events.js';
import { DemoClient } from '../demo/demo-client.js';
import { DEMO_APPROVED, DEMO_POISONED, DEMO_REWORDED } from '../demo/demo-surfaces.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { reviewItemText } from '../review-text.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, '../../../bin/airlock.js');
const DEMO_SERVER = path.resolve(here, '../demo/demo-server.js');

export function registerDemo(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('tell the story on this machine: a server approved, then changed behind your back; held, answered, logged')
    .option('--keep', 'keep the temporary Airlock home afterwards, to look at it')
    .action(async (options: { keep?: boolean }) => {
      setExit((await runDemo(io, options.keep === true)) ? EXIT.OK : EXIT.FAILED);
    });
}

/** Runs the demo end to end with real processes; true when every step went as the story says. */
export async function runDemo(io: CliIo, keep: boolean): Promise<boolean> {
  const dir = mkdtempSync(path.join(tmpdir(), 'airlock-demo-'));
  const home = path.join(dir, 'home');
  const toolsFile = path.join(dir, 'notes-tools.json');
  const say = (text = ''): void => io.out(`${text}\n`);
  const step = (n: number, text: string): void => say(`\n${n}. ${text}`);
  let host: Host | undefined;
  let client: DemoClient | undefined;
  let ok = true;
  const expect = (condition: boolean, what: string): void => {
    if (!condition) {
      ok = false;
      say(`   !! unexpected: ${what}`);
    }
  };
  try {
    say(`Airlock demo — a temporary home in ${home}; nothing outside it is touched.`);
    writeFileSync(toolsFile, JSON.stringify(DEMO_APPROVED));
    const store = openStore(home);
    putServerConfig(store, { name: 'notes', command: process.execPath, args: [DEMO_SERVER, '--tools', toolsFile], env: {}, envFrom: {}, secretKeys: [], approveOnFirstList: true });
    store.close();
    host = await Host.start({ home, holdTimeoutMs: 60_000, kind: 'airlock demo' });

    step(1, 'You add an MCP server "notes" and approve what it offers (airlock servers add notes --approve -- …).');
    say('   An AI client now starts `airlock connect notes` instead of the server itself.');
    client = new DemoClient(process.execPath, [BIN, 'connect', 'notes', '--home', home, '--no-autostart']);
    await client.initialize();
    const tools = (await client.request('tools/list')).tools as Array<{ name: string; description: string }>;
    for (const t of tools) say(`   the model sees: ${t.name} — ${t.description}`);
    const first = await client.request('tools/call', { name: 'read_note', arguments: { name: 'groceries' } });
    say(`   read_note("groceries") → ALLOW: ${contentText(first)}`);
    expect(host.servers()[0]?.state === 'GREEN', 'the server should be GREEN after approval');

    step(2, 'The server updates itself and rewords read_note. Nobody asked you.');
    const reworded = nextEvent(host, 'surface.changed');
    writeFileSync(toolsFile, JSON.stringify(DEMO_REWORDED));
    const drift = await reworded;
    say(`   Airlock re-lists at once: ${drift.decision}, worst severity ${drift.severity}; the server is AMBER.`);
    const stillApproved = ((await client.request('tools/list')).tools as Array<{ name: string; description: string }>).find((t) => t.name === 'read_note');
    say(`   The model still reads the APPROVED text: "${stillApproved?.description}"`);
    expect(stillApproved?.description === DEMO_APPROVED.tools[0]?.description, 'the approved description should still be served');
    const [item] = host.review('notes');
    if (item) io.out(reviewItemText(item).replace(/^/gm, '   '));

    step(3, 'The model calls read_note. The call is held, and Airlock asks: Approve? [y/N]');
    const opened = nextEvent(host, 'hold.opened');
    let call = client.request('tools/call', { name: 'read_note', arguments: { name: 'groceries' } });
    await opened;
    say('   You answer n (airlock review, the tray, or: airlock quarantine notes read_note).');
    host.quarantine('notes', { kind: 'tool', key: 'read_note', reason: 'answered n in the demo' });
    const denied = await call.then(() => null, (e: Error) => e);
    say(`   → DENY: ${denied?.message}`);
    expect(denied !== null, 'the call should have been denied');

    say('   You look again and decide the rewording is fine: y.');
    call = client.request('tools/call', { name: 'read_note', arguments: { name: 'groceries' } });
    const deniedAgain = await call.then(() => null, (e: Error) => e);
    say(`   (while quarantined, a call is denied at once: ${deniedAgain?.message})`);
    const fresh = host.review('notes').find((i) => i.key === 'read_note');
    host.approve('notes', { kind: 'tool', key: 'read_note', hash: fresh?.hash ?? '' });
    const resumed = await client.request('tools/call', { name: 'read_note', arguments: { name: 'groceries' } });
    say(`   → ALLOW: ${contentText(resumed)}; the server is ${host.servers()[0]?.state}, generation ${host.servers()[0]?.generation}.`);

    step(4, 'A later update poisons read_note: hidden text tells the model to send your SSH key away.');
    const poisoned = nextEvent(host, 'state.changed');
    writeFileSync(toolsFile, JSON.stringify(DEMO_POISONED));
    const red = await poisoned;
    say(`   Airlock quarantines the server at once: ${red.from} → ${red.to}.`);
    const [worst] = host.review('notes');
    for (const f of worst?.findings.slice(0, 4) ?? []) say(`   ${f.severity.padEnd(8)} ${f.code}`);
    const refused = await client.request('tools/call', { name: 'echo', arguments: { message: 'hi' } }).then(() => null, (e: Error) => e);
    say(`   Every call is denied: ${refused?.message}`);
    expect(red.to === 'RED' && refused !== null, 'the server should be RED and its calls denied');

    step(5, 'Every decision went into a hash-chained audit log.');
    await client.close();
    client = undefined;
    await host.stop();
    host = undefined;
    const audit = openStore(home, { readonly: true });
    const verified = verifyAuditChain(audit);
    audit.close();
    say(verified.ok ? `   airlock audit verify: intact, ${verified.count} events, head ${verified.head}` : `   airlock audit verify: BROKEN at ${verified.brokenSeq}: ${verified.reason}`);
    expect(verified.ok, 'the audit chain should verify');
    say(ok ? '\nThat is Airlock. Next: airlock servers add …, then point your AI client at `airlock connect NAME`.' : '\nThe demo did not go as expected; see the lines marked !!.');
    return ok;
  } finally {
    await client?.close();
    await host?.stop();
    if (keep) say(`(kept ${home}; try: airlock audit verify --home ${home})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function contentText(result: Record<string, unknown>): string {
  const content = result.content as Array<{ text?: string }> | undefined;
  return JSON.stringify(content?.[0]?.text ?? result);
}

function nextEvent<K extends 'surface.changed' | 'hold.opened' | 'state.changed'>(host: Host, name: K): Promise<HostEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo waited 20 s for ${name}`)), 20_000);
    (host.once as (event: K, fn: (value: HostEvents[K][0]) => void) => Host)(name, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
