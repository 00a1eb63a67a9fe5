// Drives the example chat page in headless Chromium (Debian's /usr/bin/chromium, never a
// downloaded browser) with Playwright: two browser contexts, "ada" and "grace", in one room.
// Prints what it checked as JSON lines on stdout, one event per line, and saves screenshots.
//
//   node browser.mjs chat    <base url> <screenshot dir> <room>
//   node browser.mjs restart <base url> <screenshot dir> <room>
//   node browser.mjs cluster <base url> <screenshot dir> <room> <other node's base url>
//
// chat: both join; each sees the other in the members list, the other's messages (as text, never
// as HTML) and the activity feed; both connection states are "open".
// cluster: as chat, with grace's page on the other node of the same cluster. The rooms list is not
// checked: each node counts its own members there.
// restart: both join, then {"event":"ready"}; on the stdin line "stopped" (the server is down) it
// waits for both states to show "reconnecting" ({"event":"down"}); on "started" it waits for both
// to be "open" again and for the chat to work ({"event":"done"}).
// Any failed check prints {"event":"fail","message":…} and exits 1.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const CHROMIUM = process.env.TETHER_CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 20000;
const RECONNECT_MS = 60000;
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
  // Nothing but 127.0.0.1: every host name resolves to nothing.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const [mode, base, shots, room, otherBase] = process.argv.slice(2);
if (!['chat', 'restart', 'cluster'].includes(mode) || !base || !shots || !room || (mode === 'cluster') !== !!otherBase) {
  process.stderr.write('usage: node browser.mjs chat|restart <base url> <screenshot dir> <room>\n'
    + '       node browser.mjs cluster <base url> <screenshot dir> <room> <other node\'s base url>\n');
  process.exit(64);
}

const emit = (event) => process.stdout.write(JSON.stringify(event) + '\n');
let browser;

async function finish(status) {
  if (browser) await browser.close().catch(() => {});
  process.stdout.write('', () => process.exit(status));
}

async function fail(message) {
  emit({ event: 'fail', message });
  await finish(1);
}

// Lines from the test, one at a time.
const lines = [];
const waiting = [];
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const next = waiting.shift();
  if (next) next(line.trim());
  else lines.push(line.trim());
});
const nextLine = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((resolve) => waiting.push(resolve)));

async function expectLine(wanted) {
  const line = await nextLine();
  if (line !== wanted) throw new Error(`expected "${wanted}" from the test, got "${line}"`);
}

const offsite = [];
const pageErrors = [];
// Per page, the chat sockets' opens and closes and the member events they carried (the newest 30):
// shown with the restart's result, so a member list that changed unexpectedly can be traced.
const socketLog = {};
let sockets = 0;
// Per page, the id of the newest chat socket the server has welcomed, and who waits for one.
const welcomedSocket = {};
const welcomeWaiters = [];

/** Resolves once a chat socket of `name` newer than `after` has been welcomed (its member list is then the server's). */
function welcomedAfter(name, after) {
  return new Promise((resolve, reject) => {
    if ((welcomedSocket[name] ?? 0) > after) {
      resolve();
      return;
    }
    const timer = setTimeout(() => reject(new Error(`no chat socket of ${name} after #${after} was welcomed; sockets: `
      + JSON.stringify(socketLog[name] ?? []))), STEP_MS);
    welcomeWaiters.push({ name, after, resolve: () => { clearTimeout(timer); resolve(); } });
  });
}

function logChatSockets(page, name) {
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/chat/')) return;
    const log = (socketLog[name] ??= []);
    const add = (entry) => {
      log.push(entry);
      if (log.length > 30) log.shift();
    };
    const id = ++sockets;
    add(`${id} open`);
    ws.on('framereceived', (frame) => {
      let message;
      try {
        message = JSON.parse(frame.payload);
      } catch (e) {
        return;
      }
      if (['welcome', 'members', 'join', 'leave'].includes(message.type)) {
        add(`${id} ${message.type} ${message.members ? message.members.join(',') : message.name}`);
      }
      if (message.type === 'welcome') {
        welcomedSocket[name] = Math.max(welcomedSocket[name] ?? 0, id);
        for (const w of welcomeWaiters.filter((w) => w.name === name && id > w.after)) {
          welcomeWaiters.splice(welcomeWaiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
    ws.on('close', () => add(`${id} close`));
  });
}

async function openPage(context, name, at) {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
  logChatSockets(page, name);
  page.on('console', (message) => {
    if (message.type() === 'error') emit({ event: 'console', page: name, text: message.text() });
  });
  await page.goto(`${at}/?name=${encodeURIComponent(name)}#${room}`);
  return page;
}

async function state(page, id) {
  return page.locator('#' + id).getAttribute('data-state');
}

async function waitState(page, id, wanted, timeout = STEP_MS) {
  await page.waitForFunction(([i, w]) => document.getElementById(i).dataset.state === w, [id, wanted], { timeout })
    .catch(async () => {
      throw new Error(`#${id} stayed "${await state(page, id)}", expected "${wanted}"`);
    });
}

async function members(page) {
  return page.$$eval('#members .member-name', (nodes) => nodes.map((n) => n.textContent));
}

async function waitMembers(page, wanted) {
  const key = [...wanted].sort().join('|');
  await page.waitForFunction((k) => [...document.querySelectorAll('#members .member-name')]
    .map((n) => n.textContent).sort().join('|') === k, key, { timeout: STEP_MS })
    .catch(async () => {
      throw new Error(`members were ${JSON.stringify(await members(page))}, expected ${JSON.stringify(wanted)}`);
    });
}

async function texts(page, selector) {
  return page.$$eval(selector, (nodes) => nodes.map((n) => n.textContent));
}

async function waitText(page, selector, text, timeout = STEP_MS) {
  await page.waitForFunction(([s, t]) => [...document.querySelectorAll(s)].some((n) => n.textContent === t),
    [selector, text], { timeout })
    .catch(async () => {
      throw new Error(`no ${selector} reading ${JSON.stringify(text)}; there were ${JSON.stringify(await texts(page, selector))}`);
    });
}

async function say(page, text) {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
}

async function shot(page, name) {
  const file = path.join(shots, name + '.png');
  await page.screenshot({ path: file, animations: 'disabled' });
  emit({ event: 'screenshot', file });
}

async function bothOpen(a, b, timeout = STEP_MS) {
  for (const page of [a, b]) {
    await waitState(page, 'ws-state', 'open', timeout);
    await waitState(page, 'sse-state', 'open', timeout);
  }
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (CI's .ci/run does)`);
  }
  fs.mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60000 });
  emit({ event: 'browser', version: browser.version() });
  const contexts = [];
  for (let i = 0; i < 2; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (url.hostname !== '127.0.0.1' && url.protocol !== 'data:') offsite.push(request.url());
    });
    contexts.push(context);
  }
  const ada = await openPage(contexts[0], 'ada', base);
  await bothStates(ada);
  const grace = await openPage(contexts[1], 'grace', mode === 'cluster' ? otherBase : base);
  await bothOpen(ada, grace);
  emit({ event: 'open', ws: await state(ada, 'ws-state'), sse: await state(ada, 'sse-state') });
  // What the browser negotiates with the server on its own (it always offers permessage-deflate).
  const echoExtensions = await ada.evaluate(() => new Promise((resolve) => {
    const probe = new WebSocket(location.origin.replace(/^http/, 'ws') + '/echo');
    probe.onopen = () => { resolve(probe.extensions); probe.close(); };
    probe.onerror = () => resolve('error');
  }));
  emit({ event: 'compression', echo: echoExtensions });

  await waitMembers(ada, ['ada', 'grace']);
  await waitMembers(grace, ['ada', 'grace']);
  emit({ event: 'members', ada: await members(ada), grace: await members(grace) });

  const hello = 'Hello grace! <img src=x onerror="window.pwned=1"> & <b>not bold</b>';
  await say(ada, hello);
  await waitText(grace, '#messages .message .text', hello);
  await waitText(ada, '#messages .message.mine .text', hello);
  const injected = await grace.evaluate(() => ({
    elements: document.querySelectorAll('#messages img, #messages b').length,
    pwned: window.pwned === 1,
  }));
  emit({ event: 'received', by: 'grace', text: hello, injectedElements: injected.elements, pwned: injected.pwned });

  const reply = 'Hi ada ✓ héllo wörld\nTwo lines, both shown.';
  await say(grace, reply);
  await waitText(ada, '#messages .message .text', reply);
  emit({ event: 'received', by: 'ada', text: reply });

  for (const text of [`grace joined #${room}`, `grace wrote in #${room}`, `ada wrote in #${room}`]) {
    await waitText(ada, '#activity li .text', text);
  }
  await waitText(grace, '#activity li .text', `ada wrote in #${room}`);
  emit({ event: 'activity', ada: await texts(ada, '#activity li .text'), grace: await texts(grace, '#activity li .text') });
  if (mode !== 'cluster') {
    await waitText(ada, `#rooms a[data-room="${room}"] .count`, '2');
    emit({ event: 'rooms', ada: await texts(ada, '#rooms a') });
  }

  if (mode !== 'restart') {
    await shot(ada, 'chat-ada');
    await shot(grace, 'chat-grace');
  } else {
    await restart(ada, grace);
  }
  emit({ event: 'offsite', urls: offsite });
  emit({ event: 'pageErrors', errors: pageErrors });
  emit({ event: 'done' });
}

async function bothStates(page) {
  await waitState(page, 'ws-state', 'open');
  await waitState(page, 'sse-state', 'open');
}

async function restart(ada, grace) {
  emit({ event: 'ready' });
  await expectLine('stopped');
  for (const page of [ada, grace]) {
    await waitState(page, 'ws-state', 'reconnecting');
    await waitState(page, 'sse-state', 'reconnecting');
  }
  emit({ event: 'down', ws: await state(ada, 'ws-state'), sse: await state(ada, 'sse-state') });
  await shot(ada, 'restart-down-ada');
  const beforeRestart = sockets;
  await expectLine('started');
  await bothOpen(ada, grace, RECONNECT_MS);
  // The pages still show the member list from before the restart until a new socket is welcomed.
  await Promise.all([welcomedAfter('ada', beforeRestart), welcomedAfter('grace', beforeRestart)]);
  await waitMembers(ada, ['ada', 'grace']);
  await waitMembers(grace, ['ada', 'grace']);
  emit({ event: 'reopened', ws: await state(ada, 'ws-state'), sse: await state(ada, 'sse-state'),
    members: await members(ada), sockets: socketLog });
  await waitText(ada, '#messages .divider', 'The server restarted; earlier messages were not kept there.');
  const after = 'Back after the restart';
  await say(grace, after);
  await waitText(ada, '#messages .message .text', after);
  await waitText(ada, '#activity li .text', `grace wrote in #${room}`);
  emit({ event: 'received', by: 'ada', text: after, activity: await texts(ada, '#activity li .text') });
  await shot(ada, 'restart-after-ada');
  await shot(grace, 'restart-after-grace');
}

// Stopped by the test (it failed, or timed out): close the browser first, so that Chromium and the
// profile directory Playwright made for it go away too.
process.on('SIGTERM', () => {
  emit({ event: 'terminated' });
  finish(143);
});

const watchdog = setTimeout(() => fail('the browser run took longer than 4 minutes'), 240000);
main().then(async () => {
  clearTimeout(watchdog);
  await finish(0);
}, async (error) => {
  clearTimeout(watchdog);
  await fail(String(error && error.stack || error));
});
