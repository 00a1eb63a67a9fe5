// node's ws as the outside reference of the load benchmark, and the one server of the client benchmark:
// an echo server on a free port of 127.0.0.1. Prints "READY <port>"; on stdin, "heap" answers
// "HEAP <bytes used after GC>", "count" answers "COUNT <connections open>", and "idle" answers "IDLE"
// once no connection is open (at once, or when the last one closes). With --deflate, ws agrees to
// permessage-deflate with its defaults (perMessageDeflate: true); without, it is off.
'use strict';
const http = require('http');
const readline = require('readline');
const { WebSocketServer } = require('ws');

const server = http.createServer();
const deflate = process.argv.includes('--deflate');
const wss = new WebSocketServer({ server, path: '/echo', maxPayload: 64 * 1024 * 1024, perMessageDeflate: deflate });
let idleWaiters = 0;
const answerIdle = () => {
  if (wss.clients.size === 0) {
    for (; idleWaiters > 0; idleWaiters--) console.log('IDLE');
  }
};
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('close', answerIdle); // the server's clients set has dropped it by now
});
server.listen(0, '127.0.0.1', () => console.log('READY ' + server.address().port));

readline.createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line === 'heap') {
      if (global.gc) { global.gc(); global.gc(); }
      console.log('HEAP ' + process.memoryUsage().heapUsed);
    } else if (line === 'count') {
      console.log('COUNT ' + wss.clients.size);
    } else if (line === 'idle') {
      idleWaiters++;
      answerIdle();
    }
  })
  .on('close', () => process.exit(0));
