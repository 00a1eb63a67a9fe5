'use strict';
// The `ws` client (8.x) through lib/scenario.js. Usage: node ws.js <case> <url> [code] [reason]
const WebSocket = require('ws');
const { run, split } = require('./lib/scenario');

run({
  name: 'ws',
  connect(url, protocols, h) {
    const ws = new WebSocket(url, protocols, { maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => h.open(ws.protocol));
    ws.on('message', (data, isBinary) => h.message(isBinary ? 'binary' : 'text', data));
    ws.on('pong', (data) => h.pong(data));
    ws.on('close', (code, reason) => h.close(code, reason.toString('utf8')));
    ws.on('error', (e) => h.error(e.message));
    return {
      send(type, buffer) {
        ws.send(buffer, { binary: type === 'binary' });
      },
      // Three fragments cut at odd offsets (inside UTF-8 characters too); a ping between the first two.
      sendFragmented(type, buffer, pingPayload) {
        const parts = split(buffer, [1, Math.floor(buffer.length / 3) + 1]);
        parts.forEach((part, i) => {
          ws.send(part, { binary: type === 'binary', fin: i === parts.length - 1 });
          if (i === 0 && pingPayload) ws.ping(pingPayload);
        });
      },
      ping(data) {
        ws.ping(data);
      },
      close(code, reason) {
        ws.close(code, reason);
      },
    };
  },
});
