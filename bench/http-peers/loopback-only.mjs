// Loaded with `node --import` into server-everything's and supergateway's HTTP modes, which
// listen on every interface and take no host option: a listen given only a port is bound to
// 127.0.0.1 instead, so the benchmark opens no port to the network. Nothing else changes.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const port = args[0];
  const portOnly = (typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) && typeof args[1] !== 'string';
  return portOnly ? listen.call(this, Number(port), '127.0.0.1', ...args.slice(1)) : listen.apply(this, args);
};
