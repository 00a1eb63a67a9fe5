'use strict';
// A real WebSocket server for the client's tests: node's `ws` or `faye-websocket`, echoing.
//
//   node peer-server.js ws|faye [--tls cert.pem key.pem [--ca ca.pem] [--require-client-cert]] [--protocols a,b]
//                               [--deflate '<options as JSON, or true>']
// --deflate turns permessage-deflate on: for ws, its perMessageDeflate options; for faye, the
// permessage-deflate package configured with them (level, noContextTakeover, maxWindowBits …).
//
// Listens on 127.0.0.1, port chosen by the OS; prints exactly one line `LISTENING <port>` to stdout
// when ready, nothing else on stdout; exits when its stdin closes (so a dead test JVM never leaves it
// behind). Echoes text as text and binary as binary (up to 64 MiB). Subprotocol: the first one the
// client offers that is in --protocols (none without --protocols). A text message starting with `!`
// is a command instead:
//   !close <code> [reason]  the server starts the close handshake with that code and reason
//   !ping <data>            the server pings with <data>; `pong-seen <data>` when the client's pong
//                           arrives (ws: every pong the client sends; faye: the pong matching the ping)
//   !terminate              drops the TCP connection without a close frame
//   !headers                a JSON object of the upgrade request's headers (lower-case names, node's
//                           joining of repeated headers)
//   !url                    the upgrade request's target (path and query)
//   !version                the Sec-WebSocket-Version the client sent
//   !client-cert            the CN of the client certificate presented on TLS, or `none`
//   !delay <ms> <text>      <text> handled as if it arrived <ms> milliseconds later (a late answer, a
//                           command such as `!close 4001 bye` while the client is busy)
//   !extensions             the Sec-WebSocket-Extensions the server agreed to (ws), or `none`
//   !fragments <n> <text>   <text> split into n fragments of one message (ws); faye has no API for
//                           fragments and answers `unsupported: …`
// A command the library refuses (e.g. a close code ws will not send) is answered `error: <message>`.
// Versions: ws accepts 13 and 8; faye (websocket-driver) only 13 and answers 8 with `400 Bad Request`.
// With --ca the server asks for a client certificate and verifies it against ca.pem; with
// --require-client-cert too, a client without one (or with one the CA did not sign) fails the TLS handshake.
const fs = require('fs');
const http = require('http');
const https = require('https');

const MAX_MESSAGE = 64 * 1024 * 1024;

function usage(problem) {
  process.stderr.write(`peer-server: ${problem}\nusage: node peer-server.js ws|faye`
    + ' [--tls cert.pem key.pem [--ca ca.pem] [--require-client-cert]] [--protocols a,b]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { library: argv[0], tls: null, ca: null, requireClientCert: false, protocols: [], deflate: false };
  if (options.library !== 'ws' && options.library !== 'faye') usage(`unknown library '${options.library}'`);
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--tls') {
      if (i + 2 >= argv.length) usage('--tls needs cert.pem and key.pem');
      options.tls = { cert: fs.readFileSync(argv[++i]), key: fs.readFileSync(argv[++i]) };
    } else if (arg === '--ca') {
      if (i + 1 >= argv.length) usage('--ca needs ca.pem');
      options.ca = fs.readFileSync(argv[++i]);
    } else if (arg === '--require-client-cert') {
      options.requireClientCert = true;
    } else if (arg === '--deflate') {
      if (i + 1 >= argv.length) usage('--deflate needs ws perMessageDeflate options as JSON (or true)');
      try {
        options.deflate = JSON.parse(argv[++i]);
      } catch (e) {
        usage(`--deflate takes JSON: ${e.message}`);
      }
    } else if (arg === '--protocols') {
      if (i + 1 >= argv.length) usage('--protocols needs a comma-separated list');
      options.protocols = argv[++i].split(',').map((p) => p.trim()).filter((p) => p.length > 0);
    } else {
      usage(`unknown argument '${arg}'`);
    }
  }
  if ((options.ca || options.requireClientCert) && !options.tls) usage('--ca and --require-client-cert need --tls');
  if (options.requireClientCert && !options.ca) usage('--require-client-cert needs --ca');
  return options;
}

const options = parseArgs(process.argv.slice(2));

/** The first protocol the client offered that we support, or undefined. */
function choose(offered) {
  return offered.find((p) => options.protocols.includes(p));
}

function offeredProtocols(req) {
  const header = req.headers['sec-websocket-protocol'];
  return header ? header.split(',').map((p) => p.trim()).filter((p) => p.length > 0) : [];
}

function clientCertificateName(socket) {
  if (typeof socket.getPeerCertificate !== 'function') return 'none';
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return 'none';
  return (cert.subject && cert.subject.CN) || 'none';
}

/**
 * Runs one connection's commands. `peer` adapts the library: send(data, binary), close(code, reason),
 * ping(data), terminate(), fragments(parts) (or null), socket, request.
 */
function onText(peer, text) {
  if (!text.startsWith('!')) {
    peer.send(text, false);
    return;
  }
  const space = text.indexOf(' ');
  const command = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? '' : text.slice(space + 1);
  try {
    switch (command) {
      case '!close': {
        const gap = rest.indexOf(' ');
        const code = Number(gap < 0 ? rest : rest.slice(0, gap));
        const reason = gap < 0 ? '' : rest.slice(gap + 1);
        if (!Number.isInteger(code)) throw new Error(`not a close code: '${rest}'`);
        peer.close(code, reason);
        break;
      }
      case '!ping':
        peer.ping(rest);
        break;
      case '!terminate':
        peer.terminate();
        break;
      case '!headers':
        peer.send(JSON.stringify(peer.request.headers), false);
        break;
      case '!url':
        peer.send(peer.request.url, false);
        break;
      case '!version':
        peer.send(String(peer.request.headers['sec-websocket-version']), false);
        break;
      case '!extensions':
        peer.send(peer.extensions ? peer.extensions() || 'none' : 'none', false);
        break;
      case '!client-cert':
        peer.send(clientCertificateName(peer.socket), false);
        break;
      case '!delay': {
        const gap = rest.indexOf(' ');
        const ms = Number(gap < 0 ? rest : rest.slice(0, gap));
        if (!Number.isInteger(ms) || ms < 0) throw new Error(`not a delay in ms: '${rest}'`);
        setTimeout(() => onText(peer, gap < 0 ? '' : rest.slice(gap + 1)), ms);
        break;
      }
      case '!fragments': {
        const gap = rest.indexOf(' ');
        const n = Number(gap < 0 ? rest : rest.slice(0, gap));
        const message = gap < 0 ? '' : rest.slice(gap + 1);
        if (!Number.isInteger(n) || n < 1) throw new Error(`not a fragment count: '${rest}'`);
        if (!peer.fragments) {
          peer.send(`unsupported: ${options.library} cannot send a message in fragments`, false);
          break;
        }
        const chars = Array.from(message); // split between code points, never inside one
        const parts = [];
        for (let i = 0; i < n; i++) {
          parts.push(chars.slice(Math.floor((i * chars.length) / n), Math.floor(((i + 1) * chars.length) / n)).join(''));
        }
        peer.fragments(parts);
        break;
      }
      default:
        peer.send(text, false); // not a command: echoed like any text
    }
  } catch (e) {
    peer.send(`error: ${e.message}`, false);
  }
}

function wsServer() {
  const { WebSocketServer } = require('ws');
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE,
    perMessageDeflate: options.deflate,
    handleProtocols: (offered) => choose([...offered]) || false,
  });
  wss.on('connection', (ws, request) => {
    ws.on('error', () => {}); // a peer's protocol error closes the connection; nothing to log
    const peer = {
      request,
      socket: request.socket,
      send: (data, binary) => ws.send(data, { binary }),
      close: (code, reason) => ws.close(code, reason),
      ping: (data) => ws.ping(data),
      terminate: () => ws.terminate(),
      extensions: () => ws.extensions,
      fragments: (parts) => parts.forEach((part, i) => ws.send(part, { binary: false, fin: i === parts.length - 1 })),
    };
    ws.on('pong', (data) => {
      if (ws.readyState === ws.OPEN) ws.send(`pong-seen ${data.toString('utf8')}`);
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) peer.send(data, true);
      else onText(peer, data.toString('utf8'));
    });
  });
  return (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
}

function fayeServer() {
  const WebSocket = require('faye-websocket');
  return (request, socket, head) => {
    if (!WebSocket.isWebSocket(request)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // faye's server takes the protocols it supports and picks the first offered one among them.
    const extensions = [];
    if (options.deflate) {
      const deflate = require('permessage-deflate');
      extensions.push(options.deflate === true ? deflate : deflate.configure(options.deflate));
    }
    const ws = new WebSocket(request, socket, head, options.protocols, { maxLength: MAX_MESSAGE, extensions });
    const peer = {
      request,
      socket,
      send: (data, binary) => ws.send(binary ? Buffer.from(data) : data),
      // faye's API (like a browser's) refuses codes other than 1000 and 3000-4999; its driver sends any.
      close: (code, reason) => {
        if (code === 1000 || (code >= 3000 && code <= 4999)) ws.close(code, reason);
        else ws._driver.close(reason, code);
      },
      ping: (data) => ws.ping(data, () => {
        if (ws.readyState === 1) ws.send(`pong-seen ${data}`); // 1: OPEN (faye keeps the constants on its API class)
      }),
      terminate: () => socket.destroy(),
      fragments: null,
    };
    ws.on('message', (event) => {
      if (typeof event.data === 'string') onText(peer, event.data);
      else peer.send(event.data, true);
    });
  };
}

const upgrade = options.library === 'ws' ? wsServer() : fayeServer();

function plainRequest(req, res) {
  res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', Connection: 'close' });
  res.end('a WebSocket peer: upgrade to websocket\n');
}

let server;
if (options.tls) {
  server = https.createServer({
    cert: options.tls.cert,
    key: options.tls.key,
    ca: options.ca || undefined,
    requestCert: Boolean(options.ca),
    rejectUnauthorized: options.requireClientCert,
  }, plainRequest);
  server.on('tlsClientError', () => {}); // a client that refuses our certificate: its test says so
} else {
  server = http.createServer(plainRequest);
}
server.on('upgrade', (request, socket, head) => {
  socket.on('error', () => {}); // resets after !terminate or a client's abort are expected
  upgrade(request, socket, head);
});
server.on('clientError', (error, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  else socket.destroy();
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});

// The test JVM holds our stdin: when it closes it (or dies), we go.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
