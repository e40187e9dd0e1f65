import { spawn } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { decodeProcAddress, isLoopbackOrUnspecified, watchSockets } from './socket-watch.js';

const linux = process.platform === 'linux';
if (!linux) console.log(`socket-watch: skipped, it reads /proc (Linux only); this is ${process.platform}`);

describe('decodeProcAddress', () => {
  it('reads /proc/net addresses in either family', () => {
    expect(decodeProcAddress('0100007F:1F90')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(decodeProcAddress('010200C0:0009')).toEqual({ host: '192.0.2.1', port: 9 });
    expect(decodeProcAddress('00000000000000000000000001000000:0035')).toEqual({ host: '0:0:0:0:0:0:0:1', port: 53 });
    expect(decodeProcAddress('0000000000000000FFFF00000100007F:0050')).toEqual({ host: '::ffff:127.0.0.1', port: 80 });
  });

  it('calls loopback and the unspecified address local, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.3.4.5', '0.0.0.0', '0:0:0:0:0:0:0:1', '0:0:0:0:0:0:0:0', '::ffff:127.0.0.1']) expect(isLoopbackOrUnspecified(host)).toBe(true);
    for (const host of ['192.0.2.1', '10.0.0.1', '::ffff:192.0.2.1', '2001:db8:0:0:0:0:0:1', '128.0.0.1']) expect(isLoopbackOrUnspecified(host)).toBe(false);
  });
});

describe.skipIf(!linux)('watchSockets', () => {
  it('sees a child process open TCP and UDP sockets to a non-loopback address, so a no-egress check cannot pass vacuously', async () => {
    // 198.51.100.1 is TEST-NET-2 (RFC 5737), documentation only. Whatever the network does with
    // the SYN (SYN_SENT with no network, refused, or accepted by a sandbox's proxy), /proc shows
    // the socket's remote address while the child holds it. The UDP socket is connect()ed to
    // port 53 as a resolver's would be: no packet needs to leave for its entry to show.
    const script = [
      "const net=require('net'),dgram=require('dgram');",
      "const t=net.connect({host:'198.51.100.1',port:9});t.on('error',()=>{});",
      "const u=dgram.createSocket('udp4');u.connect(53,'198.51.100.1');",
      'setTimeout(()=>process.exit(0),400);',
    ].join('');
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const watch = watchSockets([child.pid ?? 0], 10);
    await new Promise((resolve) => child.once('exit', resolve));
    const seen = watch.stop();
    expect(watch.polls()).toBeGreaterThan(5);
    expect(seen.some((s) => s.protocol === 'udp' && s.remote === '198.51.100.1:53')).toBe(true);
    // The TCP attempt shows unless the network refused it within one poll.
    const tcp = seen.filter((s) => s.protocol === 'tcp' && s.remote === '198.51.100.1:9');
    if (tcp.length === 0) console.log('socket-watch: the TCP attempt was refused before a poll saw it; the UDP socket still proves the watch');
    expect(seen.filter((s) => !isLoopbackOrUnspecified(s.remoteHost)).length).toBeGreaterThan(0);
    expect(seen.every((s) => s.pid === child.pid)).toBe(true);
  });

  it('sees this process listen on and connect to loopback, and not another process', async () => {
    const held: net.Socket[] = [];
    const server = net.createServer((s) => held.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const watch = watchSockets([process.pid], 10);
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => sock.once('connect', resolve));
    await new Promise((r) => setTimeout(r, 60));
    const seen = watch.stop();
    sock.destroy();
    for (const s of held) s.destroy();
    server.close();
    expect(seen.some((s) => s.remote === `127.0.0.1:${port}`)).toBe(true);
    expect(seen.some((s) => s.local === `127.0.0.1:${port}` && s.state === '0A')).toBe(true);
    expect(seen.every((s) => s.pid === process.pid)).toBe(true);
  });
});
