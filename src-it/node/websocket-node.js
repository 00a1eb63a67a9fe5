'use strict';
// The `websocket` (WebSocket-Node 1.0.x) client through lib/scenario.js.
// Usage: node websocket-node.js <case> <url> [code] [reason]
// WebSocket-Node fragments every outgoing message longer than fragmentationThreshold by itself.
const { client: WebSocketClient } = require('websocket');
const { run } = require('./lib/scenario');

const FRAGMENT = 4096;

run({
  name: 'websocket-node',
  connect(url, protocols, h) {
    const client = new WebSocketClient({
      maxReceivedFrameSize: 64 * 1024 * 1024,
      maxReceivedMessageSize: 64 * 1024 * 1024,
      fragmentOutgoingMessages: true,
      fragmentationThreshold: FRAGMENT,
    });
    let connection = null;
    const pending = [];
    client.on('connectFailed', (e) => h.connectFailed(e && e.message ? e.message : e));
    client.on('connect', (conn) => {
      connection = conn;
      conn.on('message', (m) => (m.type === 'utf8'
        ? h.message('text', Buffer.from(m.utf8Data, 'utf8'))
        : h.message('binary', m.binaryData)));
      conn.on('pong', (data) => h.pong(data));
      conn.on('close', (code, description) => h.close(code, description));
      conn.on('error', (e) => h.error(e.message));
      h.open(conn.protocol);
      pending.splice(0).forEach((f) => f());
    });
    client.connect(url, protocols.length ? protocols : null);
    const send = (type, buffer) => (type === 'binary' ? connection.sendBytes(buffer) : connection.sendUTF(buffer.toString('utf8')));
    return {
      send,
      // Messages over FRAGMENT bytes leave as several frames; no control over where, nor a ping between.
      sendFragmented(type, buffer) {
        if (buffer.length <= FRAGMENT) throw new Error('too short to be fragmented');
        send(type, buffer);
      },
      ping(data) {
        connection.ping(data);
      },
      close(code, reason) {
        connection.close(code, reason);
      },
    };
  },
});
