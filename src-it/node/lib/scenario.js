'use strict';
// Runs one interop case against an echo endpoint through a client adapter and prints what happens
// as JSON lines on stdout, one event per line. The JUnit side (src-it/src/test/java) asserts on them.
//
// Events: {"event":"open","protocol":…}, {"event":"sent",…message}, {"event":"message",…message},
// {"event":"pong","data":…}, {"event":"close","code":…,"reason":…}, {"event":"error","message":…},
// {"event":"connectFailed","message":…}, {"event":"unsupported","what":…},
// {"event":"timeout","sent":…,"received":…,"bytesReceived":…}; a message is {type, length, sha256[, text]}.
//
// Usage: node <adapter>.js <case> <url> [close code] [close reason]
// Cases: text, binary, fragmented, large, burst, ping, close, subprotocol.

const crypto = require('crypto');

const CASE_TIMEOUT_MS = 20000;
const MIB = 1024 * 1024;

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function describe(type, buffer) {
  const message = {
    type,
    length: buffer.length,
    sha256: crypto.createHash('sha256').update(buffer).digest('hex'),
  };
  if (buffer.length <= 64) message.text = type === 'text' ? buffer.toString('utf8') : buffer.toString('hex');
  return message;
}

// Exactly `bytes` bytes of valid UTF-8 mixing 1-, 2-, 3- and 4-byte characters, padded with ASCII.
function utf8Text(bytes) {
  const unit = Buffer.from('tether é € 😀 ', 'utf8');
  const whole = Math.floor(bytes / unit.length);
  return Buffer.concat([Buffer.alloc(whole * unit.length, unit), Buffer.alloc(bytes - whole * unit.length, 'x')]);
}

function randomBytes(bytes) {
  return crypto.randomBytes(bytes);
}

// Splits `buffer` into pieces at the given byte offsets (which may fall inside a UTF-8 character).
function split(buffer, offsets) {
  const parts = [];
  let start = 0;
  for (const offset of offsets) {
    parts.push(buffer.subarray(start, offset));
    start = offset;
  }
  parts.push(buffer.subarray(start));
  return parts;
}

function messagesFor(caseName) {
  switch (caseName) {
    case 'text':
      return [['text', Buffer.from('hello', 'utf8')], ['text', Buffer.from('héllo wörld ✓ 😀', 'utf8')],
        ['text', Buffer.alloc(0)]];
    case 'binary':
      return [['binary', Buffer.from(Array.from({ length: 256 }, (_, i) => i))], ['binary', Buffer.alloc(0)],
        ['binary', randomBytes(1000)]];
    case 'large':
      return [['text', utf8Text(MIB)], ['binary', randomBytes(MIB)]];
    case 'fragmented':
      return [['text', utf8Text(100 * 1024 + 7)], ['binary', randomBytes(100 * 1024 + 3)]];
    case 'burst':
      // 300 messages sent at once, sizes on both sides of 125 and 65535 bytes (the length forms).
      return Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? ['binary', randomBytes(70000)]
        : ['text', utf8Text(i % 3 === 1 ? 300 : 20)]));
    default:
      return [];
  }
}

/**
 * adapter.connect(url, protocols, handlers) → connection with send(type, buffer),
 * sendFragmented(type, buffer, pingPayload) (optional), ping(buffer), close(code, reason).
 * handlers: open(protocol), message(type, buffer), pong(buffer), close(code, reason), error(message),
 * connectFailed(message).
 */
function run(adapter) {
  const [caseName, url, codeArg, reasonArg] = process.argv.slice(2);
  if (!caseName || !url) {
    process.stderr.write('usage: node ' + adapter.name + '.js <case> <url> [close code] [close reason]\n');
    process.exit(64);
  }
  const messages = messagesFor(caseName);
  let received = 0;
  let bytesReceived = 0;
  const timer = setTimeout(() => {
    // What had come back by then: a stall and a slow run look different.
    emit({ event: 'timeout', sent: messages.length, received, bytesReceived });
    process.exit(2);
  }, CASE_TIMEOUT_MS);
  const finish = (status) => {
    clearTimeout(timer);
    // Let stdout drain before leaving.
    process.stdout.write('', () => process.exit(status));
  };

  const protocols = caseName === 'subprotocol' ? ['chat.v2', 'chat.v1'] : [];
  let connection;

  const closeWhenDone = () => {
    if (caseName === 'close') {
      connection.close(Number(codeArg || 1000), reasonArg || '');
    } else {
      connection.close(1000, 'done');
    }
  };

  const handlers = {
    open(protocol) {
      emit({ event: 'open', protocol: protocol == null ? null : String(protocol) });
      switch (caseName) {
        case 'text':
        case 'binary':
        case 'large':
        case 'burst':
          for (const [type, buffer] of messages) {
            emit({ event: 'sent', ...describe(type, buffer) });
            connection.send(type, buffer);
          }
          break;
        case 'fragmented':
          if (!connection.sendFragmented) {
            emit({ event: 'unsupported', what: 'sending a message in fragments' });
            connection.close(1000, 'done');
            return;
          }
          messages.forEach(([type, buffer], i) => {
            emit({ event: 'sent', ...describe(type, buffer) });
            connection.sendFragmented(type, buffer, i === 0 ? Buffer.from('between fragments') : null);
          });
          break;
        case 'ping':
          connection.ping(Buffer.from('tether-ping', 'utf8'));
          break;
        case 'close':
        case 'subprotocol':
          closeWhenDone();
          break;
        default:
          emit({ event: 'error', message: 'unknown case ' + caseName });
          finish(64);
      }
    },
    message(type, buffer) {
      bytesReceived += buffer.length;
      emit({ event: 'message', ...describe(type, buffer) });
      if (++received === messages.length) closeWhenDone();
    },
    pong(buffer) {
      emit({ event: 'pong', data: buffer.toString('utf8') });
      if (caseName === 'ping') closeWhenDone();
    },
    close(code, reason) {
      emit({ event: 'close', code: code == null ? null : Number(code), reason: reason == null ? '' : String(reason) });
      finish(0);
    },
    error(message) {
      emit({ event: 'error', message: String(message) });
    },
    // For a library that reports a refused handshake without a close event.
    connectFailed(message) {
      emit({ event: 'connectFailed', message: String(message) });
      finish(0);
    },
  };
  connection = adapter.connect(url, protocols, handlers);
}

module.exports = { run, emit, split };
