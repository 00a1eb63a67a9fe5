// node's ws client as the outside reference of the client benchmark (dev.tether.bench.ClientBenchmark):
// the same commands on stdin, and the same one-line answers on stdout, as the Java clients'
// dev.tether.bench.client.ClientProcess. Prints "READY <pid>"; run with --expose-gc for "mem".
//   echo <port> <connections> <inflight> <payloadBytes> <warmupSeconds> <seconds> <serverPid>
//     -> RESULT messages= seconds= p50us= p99us= slowest= median= cpu= serverCpu= errors= [error=]
//   open <port> <connections> <window> <timeoutSeconds> <threadBudget>
//     -> OPENED opened= millis= cpuMillis= threads= [error=]
//   mem -> MEM heap=<V8 heap used after GC> threads=
//   closeall <timeoutSeconds> -> CLOSED closed= millis= [error=]
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const readline = require('readline');
const { performance } = require('perf_hooks');
const WebSocket = require('ws');

const OPTIONS = { perMessageDeflate: false };

/** Latencies in microseconds, bucketed as src-it's LatencyHistogram (32 buckets per power of two). */
class Histogram {
  constructor() { this.counts = new Float64Array(64 * 32); this.total = 0; }
  static bucket(v) {
    if (v < 32) return v;
    const exponent = 31 - Math.clz32(v);
    const mantissa = (v >>> (exponent - 5)) & 31;
    return (exponent - 4) * 32 + mantissa;
  }
  static lowerBound(b) {
    if (b < 32) return b;
    const exponent = Math.floor(b / 32) + 4;
    return (32 + (b % 32)) * 2 ** (exponent - 5);
  }
  record(micros) {
    this.counts[Histogram.bucket(Math.min(0x7fffffff, Math.max(0, Math.floor(micros))))]++;
    this.total++;
  }
  reset() { this.counts.fill(0); this.total = 0; }
  percentile(fraction) {
    const wanted = Math.ceil(this.total * fraction);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= wanted && this.counts[i] > 0) return Histogram.lowerBound(i);
    }
    return 0;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuMicros = () => { const u = process.cpuUsage(); return u.user + u.system; };
const oneLine = (e) => String(e && e.message ? e.constructor.name + ': ' + e.message : e).replace(/\s+/g, ' ');

function cpuNanosOf(pid) {
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    const fields = stat.substring(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10000000;
  } catch (e) {
    return 0;
  }
}

function threads() {
  const m = /Threads:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** A connection: resolves `opened` on open, rejects on an error before it; `closed` resolves on close. */
function connect(port) {
  const ws = new WebSocket('ws://127.0.0.1:' + port + '/echo', OPTIONS);
  const c = { ws };
  c.opened = new Promise((resolve, reject) => {
    ws.once('open', () => resolve(c));
    ws.once('error', reject);
  });
  c.opened.catch(() => {});
  c.closed = new Promise((resolve) => ws.once('close', resolve));
  return c;
}

/** Resolves with the first `count` of `promises` within `ms` or rejects saying how many made it. */
async function within(ms, promises, what) {
  let timer;
  const timeout = new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error(what + ' within ' + ms / 1000 + ' s')), ms); });
  try {
    return await Promise.race([Promise.all(promises), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes the connections and waits for them (seconds at most); null, or what went wrong. */
async function closeEach(conns, seconds) {
  const open = conns.filter((c) => c.ws.readyState === WebSocket.OPEN || c.ws.readyState === WebSocket.CONNECTING);
  for (const c of open) {
    if (c.ws.readyState === WebSocket.OPEN) c.ws.close(1000);
    else c.opened.then(() => c.ws.close(1000), () => {});
  }
  let closed = 0;
  for (const c of open) c.closed.then(() => closed++);
  try {
    await within(seconds * 1000, open.map((c) => c.closed), 'closing');
    return { closed: open.length, problem: null };
  } catch (e) {
    return { closed, problem: (open.length - closed) + ' of ' + open.length + ' did not report closed within ' + seconds + ' s' };
  }
}

async function echo(port, connections, inflight, payloadBytes, warmupSeconds, seconds, serverPid) {
  const payload = crypto.randomBytes(payloadBytes);
  const conns = [];
  for (let i = 0; i < connections; i++) conns.push(connect(port));
  try {
    await within(60000, conns.map((c) => c.opened), 'could not open ' + connections + ' connections');
  } catch (e) {
    await closeEach(conns, 10);
    throw e;
  }
  const latencies = new Histogram();
  let errors = 0;
  let firstError = null;
  const fail = (e) => { errors++; if (!firstError) firstError = e; };
  let running = true;
  for (const c of conns) {
    const sentAt = new Float64Array(inflight);
    let head = 0;
    let tail = 0;
    c.echoed = 0;
    c.ws.on('error', fail);
    c.ws.on('message', (data, isBinary) => {
      if (!isBinary || data.length !== payloadBytes) {
        fail(new Error('unexpected ' + (isBinary ? 'binary' : 'text') + ' message of ' + data.length + ' bytes'));
        return;
      }
      const now = performance.now();
      latencies.record((now - sentAt[head]) * 1000);
      head = (head + 1) % inflight;
      c.echoed++;
      if (running) {
        sentAt[tail] = now;
        tail = (tail + 1) % inflight;
        c.ws.send(payload);
      }
    });
    const now = performance.now();
    for (let i = 0; i < inflight; i++) {
      sentAt[tail] = now;
      tail = (tail + 1) % inflight;
    }
    for (let i = 0; i < inflight; i++) c.ws.send(payload);
  }
  await sleep(warmupSeconds * 1000);
  latencies.reset();
  for (const c of conns) c.echoedAtStart = c.echoed;
  const cpu0 = cpuMicros();
  const serverCpu0 = cpuNanosOf(serverPid);
  const start = performance.now();
  await sleep(seconds * 1000);
  running = false;
  const wallMs = performance.now() - start;
  const perConnection = conns.map((c) => c.echoed - c.echoedAtStart).sort((a, b) => a - b);
  const echoed = perConnection.reduce((a, b) => a + b, 0);
  const secs = wallMs / 1000;
  const cpu = (cpuMicros() - cpu0) / 1000 / wallMs;
  const serverCpu = (cpuNanosOf(serverPid) - serverCpu0) / 1e6 / wallMs;
  const p50 = latencies.percentile(0.5);
  const p99 = latencies.percentile(0.99);
  const closing = await closeEach(conns, 30);
  const problem = firstError ? oneLine(firstError) : closing.problem;
  return 'RESULT messages=' + echoed + ' seconds=' + secs.toFixed(3) + ' p50us=' + p50 + ' p99us=' + p99
    + ' slowest=' + (perConnection[0] / secs).toFixed(1) + ' median=' + (perConnection[perConnection.length >> 1] / secs).toFixed(1)
    + ' cpu=' + cpu.toFixed(3) + ' serverCpu=' + serverCpu.toFixed(3) + ' errors=' + errors
    + (problem ? ' error=' + problem : '');
}

const idle = [];

function open(port, connections, window, timeoutSeconds) {
  return new Promise((resolve) => {
    const cpu0 = cpuMicros();
    const start = performance.now();
    let started = 0;
    let inProgress = 0;
    let opened = 0;
    let stopped = null;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!stopped && opened < connections) stopped = 'stopped at ' + opened;
      resolve('OPENED opened=' + opened + ' millis=' + Math.round(performance.now() - start) + ' cpuMillis='
        + Math.round((cpuMicros() - cpu0) / 1000) + ' threads=' + threads() + (stopped ? ' error=' + stopped : ''));
    };
    const timer = setTimeout(() => { stopped = stopped || 'timed out after ' + timeoutSeconds + ' s'; finish(); }, timeoutSeconds * 1000);
    const next = () => {
      while (!stopped && started < connections && inProgress < window) {
        started++;
        inProgress++;
        const c = connect(port);
        idle.push(c);
        c.ws.on('error', () => {});
        c.opened.then(() => { opened++; }, (e) => { stopped = stopped || 'a connect failed: ' + oneLine(e); })
          .finally(() => {
            inProgress--;
            if (inProgress === 0 && (stopped || started === connections)) finish();
            else next();
          });
      }
    };
    next();
  });
}

async function closeAll(timeoutSeconds) {
  const all = idle.splice(0);
  const start = performance.now();
  const { closed, problem } = await closeEach(all, timeoutSeconds);
  return 'CLOSED closed=' + closed + ' millis=' + Math.round(performance.now() - start) + (problem ? ' error=' + problem : '');
}

async function mem() {
  for (let i = 0; i < 3; i++) {
    if (global.gc) global.gc();
    await sleep(100);
  }
  return 'MEM heap=' + process.memoryUsage().heapUsed + ' threads=' + threads();
}

async function run(a) {
  switch (a[0]) {
    case 'echo': return echo(Number(a[1]), Number(a[2]), Number(a[3]), Number(a[4]), Number(a[5]), Number(a[6]), Number(a[7]));
    case 'open': return open(Number(a[1]), Number(a[2]), Number(a[3]), Number(a[4]));
    case 'mem': return mem();
    case 'closeall': return closeAll(Number(a[1]));
    default: return 'ERROR unknown command ' + a[0];
  }
}

// Commands run one after another, in the order they came.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin })
  .on('line', (line) => {
    queue = queue.then(() => run(line.trim().split(/\s+/)))
      .then((reply) => console.log(reply), (e) => console.log('ERROR ' + oneLine(e)));
  })
  .on('close', () => {
    queue.then(() => closeAll(10)).finally(() => process.exit(0));
  });
console.log('READY ' + process.pid);
