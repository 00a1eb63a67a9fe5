'use strict';
// The `faye-websocket` client (0.11.x) through lib/scenario.js. Usage: node faye.js <case> <url> [code] [reason]
// faye sends every message whole: it has no API for fragments.
const WebSocket = require('faye-websocket');
const { run } = require('./lib/scenario');

run({
  name: 'faye',
  connect(url, protocols, h) {
    const ws = new WebSocket.Client(url, protocols.length ? protocols : undefined, { maxLength: 64 * 1024 * 1024 - 1 });
    ws.on('open', () => h.open(ws.protocol));
    ws.on('message', (e) => (typeof e.data === 'string'
      ? h.message('text', Buffer.from(e.data, 'utf8'))
      : h.message('binary', Buffer.from(e.data))));
    ws.on('close', (e) => h.close(e.code, e.reason));
    ws.on('error', (e) => h.error(e.message));
    return {
      send(type, buffer) {
        ws.send(type === 'binary' ? buffer : buffer.toString('utf8'));
      },
      // faye's ping takes a string and calls back when the pong with the same payload arrives.
      ping(data) {
        const payload = data.toString('utf8');
        ws.ping(payload, () => h.pong(Buffer.from(payload, 'utf8')));
      },
      close(code, reason) {
        ws.close(code, reason);
      },
    };
  },
});
