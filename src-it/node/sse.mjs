// EventSource cases against the example WAR, with the `eventsource` package (4.x: node 20). The
// reconnection with Last-Event-ID is made by this script itself, so that what the server replays
// can be checked exactly: it closes a stream, lets events happen, and opens a new one sending the
// last id it saw through the package's fetch option. Prints JSON lines; any failed check prints
// {"event":"fail","message":…} and exits 1.
//
//   node sse.mjs ticker   <base url>           /events: ticks missed while away are replayed in order
//   node sse.mjs activity <base url> <room>    /activity: chat activity missed while away is replayed
//   node sse.mjs reset    <base url>           an unknown Last-Event-ID gets a "reset" event, on both streams
//   node sse.mjs handover <base url> <room> <other node's base url>
//                                              /activity of a cluster: a stream on the first node closes, and
//                                              one opened on the other with its last id gets what it missed
import { EventSource } from 'eventsource';
import WebSocket from 'ws';

const STEP_MS = 15000;
const [caseName, base, room, otherBase] = process.argv.slice(2);
if (!['ticker', 'activity', 'reset', 'handover'].includes(caseName) || !base
  || (['activity', 'handover'].includes(caseName) && !room) || (caseName === 'handover') !== !!otherBase) {
  process.stderr.write('usage: node sse.mjs ticker|activity|reset <base url> [room]\n'
    + '       node sse.mjs handover <base url> <room> <other node\'s base url>\n');
  process.exit(64);
}

const emit = (event) => process.stdout.write(JSON.stringify(event) + '\n');
const closers = [];
const finish = (status) => {
  for (const close of closers) close();
  process.stdout.write('', () => process.exit(status));
};

/**
 * An event stream (from the server at `at`) whose events are taken in order with next(); sends
 * Last-Event-ID when given one.
 */
function stream(path, lastEventId, types, at = base) {
  const init = lastEventId === undefined ? {} : {
    fetch: (url, options) => fetch(url, { ...options, headers: { ...options.headers, 'Last-Event-ID': lastEventId } }),
  };
  const source = new EventSource(at + path, init);
  closers.push(() => source.close());
  const queue = [];
  const waiting = [];
  const push = (event) => {
    const item = { type: event.type, data: event.data, id: event.lastEventId };
    const next = waiting.shift();
    if (next) next(item);
    else queue.push(item);
  };
  for (const type of types) source.addEventListener(type, push);
  let opened;
  const open = new Promise((resolve) => { opened = resolve; });
  source.addEventListener('open', () => opened());
  source.addEventListener('error', (event) => emit({ event: 'sse-error', path, message: event.message ?? '' }));
  return {
    source,
    open: () => within(open, `${path} did not open`),
    next: () => within(queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)),
      `no event on ${path}`),
    close: () => source.close(),
  };
}

function within(promise, what, ms = STEP_MS) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  })]).finally(() => clearTimeout(timer));
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * A chat member over ws (on the server at `at`): next(type[, match]) gives its next JSON message of
 * that type (for which match is true), heard(from, text) the message `from` wrote.
 */
async function member(name, at = base) {
  const url = at.replace(/^http/, 'ws') + `/chat/${room}?name=${encodeURIComponent(name)}`;
  const socket = new WebSocket(url);
  closers.push(() => socket.terminate());
  const queue = [];
  const waiting = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    const index = waiting.findIndex((w) => w.type === message.type && w.match(message));
    if (index >= 0) waiting.splice(index, 1)[0].resolve(message);
    else queue.push(message);
  });
  const next = (type, match = () => true) => {
    const index = queue.findIndex((m) => m.type === type && match(m));
    if (index >= 0) return Promise.resolve(queue.splice(index, 1)[0]);
    return within(new Promise((resolve) => waiting.push({ type, match, resolve })),
      `${name} got no ${type} message${match.description ? ' ' + match.description : ''}`);
  };
  const heard = (from, text) => {
    const match = (m) => m.from === from && m.text === text;
    match.description = `from ${from}: ${JSON.stringify(text)}`;
    return next('message', match);
  };
  await within(new Promise((resolve, reject) => {
    socket.on('open', resolve);
    socket.on('error', reject);
  }), `${name} did not connect to ${url}`);
  await next('welcome');
  return { say: (text) => socket.send(JSON.stringify({ type: 'message', text })), next, heard, close: () => socket.close() };
}

/** The next activity event of our room (other rooms' activity, if any, is skipped). */
async function nextInRoom(events) {
  for (;;) {
    const event = await events.next();
    if (event.type !== 'activity') return event;
    if (JSON.parse(event.data).room === room) return event;
  }
}

/** The events of `events` up to and including the `count`th of our room, every room's kept, in order. */
async function untilInRoom(events, count) {
  const taken = [];
  for (let ours = 0; ours < count;) {
    const event = await events.next();
    taken.push(event);
    if (ofOurRoom(event)) ours++;
  }
  return taken;
}

/** Whether `event` is about our room; any other type than activity (a reset) is too. */
const ofOurRoom = (event) => event.type !== 'activity' || JSON.parse(event.data).room === room;

async function ticker() {
  const first = stream('/events', undefined, ['tick']);
  const seen = [await first.next(), await first.next()];
  first.close();
  emit({ event: 'first', events: seen });
  const last = Number(seen[1].id);
  check(Number(seen[0].id) + 1 === last, `ticks are numbered one after another: ${JSON.stringify(seen)}`);
  // Away until three more ticks have happened, as another client sees them.
  const observer = stream('/events', undefined, ['tick']);
  for (let id = 0; id < last + 3;) id = Number((await observer.next()).id);
  observer.close();
  const resumed = stream('/events', String(last), ['tick', 'reset']);
  const replayed = [await resumed.next(), await resumed.next(), await resumed.next()];
  resumed.close();
  emit({ event: 'resumed', lastEventId: String(last), events: replayed });
}

async function activity() {
  const first = stream('/activity', undefined, ['activity', 'reset']);
  await first.open();
  const ada = await member('ada');
  const joined = await nextInRoom(first);
  first.close();
  emit({ event: 'first', events: [joined] });
  // While away: three messages and a join, each seen by a chat member (so the server has sent them).
  for (const text of ['one', 'two', 'three']) {
    ada.say(text);
    const echoed = await ada.next('message');
    check(echoed.text === text && echoed.from === 'ada', `ada's own message came back: ${JSON.stringify(echoed)}`);
  }
  const grace = await member('grace');
  await ada.next('join');
  const resumed = stream('/activity', joined.id, ['activity', 'reset']);
  const replayed = [];
  for (let i = 0; i < 4; i++) replayed.push(await nextInRoom(resumed));
  emit({ event: 'resumed', lastEventId: joined.id, events: replayed });
  // Live again: grace leaves.
  grace.close();
  emit({ event: 'live', events: [await nextInRoom(resumed)] });
  resumed.close();
  ada.close();
}

async function reset() {
  for (const path of ['/events', '/activity']) {
    const events = stream(path, 'no-such-id', ['reset', 'tick', 'activity']);
    const event = await events.next();
    events.close();
    emit({ event: 'reset', path, first: event });
  }
}

// The feed of a cluster, handed over from one node to the other. An observer on the first node
// stays connected throughout: what it sees is the stream, the same on every node. A client sees
// two events of our room there and leaves; while it is away grace joins on the other node and she
// and ada write; the client then reconnects to the other node with the last id it saw. Printed:
// "first" (its two events), "observed" (everything the observer saw after that id, up to the third
// event of our room), "resumed" (everything the client got after reconnecting, up to the third of
// our room: the test wants the two equal), and "live" (both streams up to grace leaving).
async function handover() {
  const observer = stream('/activity', undefined, ['activity', 'reset']);
  const first = stream('/activity', undefined, ['activity', 'reset']);
  await observer.open();
  await first.open();
  const ada = await member('ada');
  ada.say('before');
  await ada.heard('ada', 'before');
  const seen = (await untilInRoom(first, 2)).filter(ofOurRoom);
  first.close();
  emit({ event: 'first', events: seen });
  const lastEventId = seen[seen.length - 1].id;

  // While away, each step seen by the member who did not take it (so the nodes have sent it).
  const grace = await member('grace', otherBase);
  await ada.next('join', (m) => m.name === 'grace');
  grace.say('hello from the other node');
  await ada.heard('grace', 'hello from the other node');
  ada.say('and back');
  await grace.heard('ada', 'and back');
  const observed = await untilInRoom(observer, 5);
  const after = observed.findIndex((e) => e.id === lastEventId);
  check(after >= 0, `the observer saw ${lastEventId}: ${JSON.stringify(observed)}`);
  emit({ event: 'observed', events: observed.slice(after + 1) });

  const resumed = stream('/activity', lastEventId, ['activity', 'reset'], otherBase);
  emit({ event: 'resumed', lastEventId, events: await untilInRoom(resumed, 3) });
  // Live on both: grace leaves.
  grace.close();
  emit({ event: 'live', observed: await untilInRoom(observer, 1), resumed: await untilInRoom(resumed, 1) });
  resumed.close();
  observer.close();
  ada.close();
}

const cases = { ticker, activity, reset, handover };
cases[caseName]().then(() => {
  emit({ event: 'done' });
  finish(0);
}, (error) => {
  emit({ event: 'fail', message: String(error && error.stack || error) });
  finish(1);
});
