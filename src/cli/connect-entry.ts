import { runConnect } from './connect.js';

/**
 * `airlock connect` on its own, bundled into one file (out/connect/airlock-connect.mjs, node
 * builtins only) that the desktop app ships and client configs run with the user's Node: the
 * packaged app's own binary cannot run scripts (its RunAsNode fuse is off). The "connect" word
 * is optional, so a config can keep the `… airlock-connect.mjs connect NAME` shape Airlock
 * recognises as its own.
 */
const argv = process.argv.slice(2);
process.exitCode = await runConnect(argv[0] === 'connect' ? argv.slice(1) : argv);
