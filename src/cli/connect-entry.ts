import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { processConnectIo, runConnect } from './connect.js';

/**
 * `airlock connect` on its own, bundled into one file (out/connect/airlock-connect.mjs, node
 * builtins only) that the desktop app ships and client configs run with the user's Node: the
 * packaged app's own binary cannot run scripts (its RunAsNode fuse is off). The "connect" word
 * is optional, so a config can keep the `… airlock-connect.mjs connect NAME` shape Airlock
 * recognises as its own.
 */
const argv = process.argv.slice(2);
const io = processConnectIo();
// A crash report's stack frames are places in this one file, wherever the app put it.
io.crash = { events: process, packageRoot: path.dirname(fileURLToPath(import.meta.url)) };
process.exitCode = await runConnect(argv[0] === 'connect' ? argv.slice(1) : argv, io);
