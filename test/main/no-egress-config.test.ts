import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * SECURITY.md item 9, the packaged app's side: no update feed, no crash upload, no telemetry.
 * Checks the packaging configuration, the dependencies, the main-process sources and the built
 * bundles (what electron-builder actually packs) for the names these features go by.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every file under `dir` whose name ends with one of `exts`. */
function filesUnder(dir: string, exts: readonly string[]): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && exts.some((x) => e.name.endsWith(x)))
    .map((e) => path.join(e.parentPath, e.name));
}

// Update feeds, crash upload, and the telemetry SDKs an Electron app would most likely pull in.
const FORBIDDEN_CODE: readonly [string, RegExp][] = [
  ['autoUpdater', /\bautoUpdater\b/],
  ['electron-updater', /electron-updater/],
  ['update-electron-app', /update-electron-app/],
  ['crashReporter', /\bcrashReporter\b/],
  ['submitURL', /\bsubmitURL\b/],
  ['uploadToServer', /\buploadToServer\b/],
  ['sentry', /@sentry\//],
  ['posthog', /posthog/i],
  ['segment analytics', /@segment\/|analytics-node/],
  ['mixpanel', /mixpanel/i],
  ['amplitude', /@amplitude\//],
  ['datadog', /@datadog\/|dd-trace/],
  ['bugsnag', /bugsnag/i],
  ['google analytics', /google-analytics|googletagmanager/i],
];
const FORBIDDEN_DEPENDENCY = /^(electron-updater|update-electron-app|@sentry\/.*|posthog.*|@segment\/.*|analytics-node|mixpanel.*|@amplitude\/.*|@datadog\/.*|dd-trace|@bugsnag\/.*|bugsnag.*|applicationinsights|newrelic|@opentelemetry\/.*)$/;

describe('the packaged app has no network of its own (SECURITY.md item 9)', () => {
  it('electron-builder.yml names no publish provider, so the app has no update feed', () => {
    const config = parse(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
    expect('publish' in config).toBe(true);
    expect([null, 'never']).toContain(config.publish);
    // Nor under a platform: a per-OS publish would add a feed for that OS only.
    for (const os of ['mac', 'win', 'linux', 'dmg', 'nsis', 'appImage', 'deb']) {
      const section = config[os] as Record<string, unknown> | undefined;
      if (section && 'publish' in section) expect([null, 'never']).toContain(section.publish);
    }
  });

  it('package.json depends on no updater, crash uploader or telemetry SDK', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const names = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].flatMap((k) => Object.keys(pkg[k] ?? {}));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => FORBIDDEN_DEPENDENCY.test(n))).toEqual([]);
  });

  it('no installed package is an updater, crash uploader or telemetry SDK', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const installed = Object.keys(lock.packages).map((p) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(installed.length).toBeGreaterThan(100);
    // electron-builder itself depends on electron-publish, which uploads releases from a build machine, never from the app.
    expect(installed.filter((n) => FORBIDDEN_DEPENDENCY.test(n))).toEqual([]);
  });

  it('neither the main, preload and renderer sources nor the built bundles mention an updater, crash upload or telemetry', () => {
    const sources = filesUnder(path.join(ROOT, 'src'), ['.ts', '.tsx']);
    const built = ['main', 'preload', 'renderer'].flatMap((d) => filesUnder(path.join(ROOT, 'out', d), ['.js', '.mjs', '.cjs', '.html']));
    expect(sources.length).toBeGreaterThan(10);
    // The built bundle is what ships; it must exist or this check would pass on nothing.
    expect(built.some((f) => f.includes(`${path.sep}out${path.sep}main${path.sep}`))).toBe(true);
    const hits: string[] = [];
    for (const file of [...sources, ...built]) {
      const text = fs.readFileSync(file, 'utf8');
      for (const [name, pattern] of FORBIDDEN_CODE) if (pattern.test(text)) hits.push(`${path.relative(ROOT, file)}: ${name}`);
    }
    expect(hits).toEqual([]);
  });
});
