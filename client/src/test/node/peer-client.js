'use strict';
// A real WebSocket client for tests of Tether servers (e.g. `tether listen`): node's `ws`.
//
//   node peer-client.js [--deflate '<ws perMessageDeflate options as JSON, or true>'] <ws-url> [protocol…]
//
// Prints `OPEN <protocol or ->` and `EXTENSIONS <negotiated, or ->` once connected, then one line per event: `TEXT <message>`,
// `BINARY <hex>`, `PING <data>`, `CLOSE <code> <reason>` (then exits 0), or `ERROR <message>` (then
// exits 1). Each line of stdin is sent as a text message; a line `!binary <hex>` as a binary one,
// `!close <code> [reason]` starts the close handshake. The end of stdin terminates the connection.
const readline = require('readline');
const WebSocket = require('ws');

const args = process.argv.slice(2);
let perMessageDeflate = false;
if (args[0] === '--deflate') {
  args.shift();
  perMessageDeflate = JSON.parse(args.shift());
}
const [url, ...protocols] = args;
if (!url) {
  process.stderr.write("usage: node peer-client.js [--deflate '<json>'] <ws-url> [protocol…]\n");
  process.exit(2);
}

const ws = new WebSocket(url, protocols, { perMessageDeflate });
const out = (line) => process.stdout.write(line + '\n');

ws.on('open', () => {
  out(`OPEN ${ws.protocol || '-'}`);
  out(`EXTENSIONS ${ws.extensions || '-'}`);
  const input = readline.createInterface({ input: process.stdin });
  input.on('line', (line) => {
    if (line.startsWith('!binary ')) {
      ws.send(Buffer.from(line.slice(8), 'hex'));
    } else if (line.startsWith('!close ')) {
      const [code, ...reason] = line.slice(7).split(' ');
      ws.close(Number(code), reason.join(' '));
    } else {
      ws.send(line);
    }
  });
  input.on('close', () => ws.terminate());
});
ws.on('message', (data, isBinary) => out(isBinary ? `BINARY ${data.toString('hex')}` : `TEXT ${data.toString()}`));
ws.on('ping', (data) => out(`PING ${data.toString()}`));
ws.on('close', (code, reason) => {
  out(`CLOSE ${code} ${reason.toString()}`);
  process.exit(0);
});
ws.on('error', (error) => {
  out(`ERROR ${error.message}`);
  process.exit(1);
});
