// Tether chat: one room at a time over a WebSocket (/chat/{room}?name=…, JSON messages), and the
// activity of every room over an EventSource (/activity). Plain browser JavaScript, no framework;
// every text from the network goes into the page through textContent, never as HTML.
'use strict';

(() => {
  const NAME = /^[\p{L}\p{N}\p{M}]+(?:[ ._'-][\p{L}\p{N}\p{M}]+)*$/u;
  const ROOM = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  const MAX_NAME = 24;
  const MAX_ROOM = 24;
  const MAX_TEXT = 500;
  const DEFAULT_ROOMS = ['lobby', 'random', 'help'];
  const MAX_ACTIVITY = 60;
  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_MAX_MS = 10000;

  const $ = (id) => document.getElementById(id);
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const validName = (name) => name.length >= 1 && [...name].length <= MAX_NAME && NAME.test(name);
  const validRoom = (room) => room.length >= 1 && room.length <= MAX_ROOM && ROOM.test(room);
  const clock = (millis) => new Date(millis).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const hue = (name) => {
    let h = 0;
    for (const c of name) h = (h * 31 + c.codePointAt(0)) % 360;
    return h;
  };
  const avatar = (name) => {
    const node = el('span', 'avatar', [...name][0].toUpperCase());
    node.style.background = `hsl(${hue(name)} 62% 52%)`;
    node.setAttribute('aria-hidden', 'true');
    return node;
  };

  // ------------------------------------------------------------------ state shown in the top bar

  function showState(id, state, label = state) {
    const badge = $(id);
    badge.dataset.state = state;
    badge.querySelector('.state-label').textContent = label;
  }

  // ------------------------------------------------------------------ rooms list

  const roomCounts = new Map(); // room → members, as the server last said

  function renderRooms() {
    const list = $('rooms');
    list.replaceChildren();
    const names = new Set([...DEFAULT_ROOMS, ...roomCounts.keys()]);
    if (chat.room) names.add(chat.room);
    const sorted = [...names].sort((a, b) => (DEFAULT_ROOMS.includes(b) - DEFAULT_ROOMS.includes(a))
      || ((roomCounts.get(b) || 0) - (roomCounts.get(a) || 0)) || a.localeCompare(b));
    for (const room of sorted) {
      const link = el('a', room === chat.room ? 'current' : '');
      link.href = '#' + room;
      link.dataset.room = room;
      link.append(el('span', '', '#' + room));
      const count = roomCounts.get(room) || 0;
      if (count > 0) link.append(el('span', 'count', String(count)));
      const item = el('li');
      item.append(link);
      list.append(item);
    }
  }

  async function refreshRooms() {
    try {
      const response = await fetch('api/rooms', { cache: 'no-store' });
      if (!response.ok) return;
      const body = await response.json();
      roomCounts.clear();
      for (const room of body.rooms) roomCounts.set(room.name, room.members);
      renderRooms();
    } catch (e) {
      // The server is away; the activity feed brings the counts back when it returns.
    }
  }

  // ------------------------------------------------------------------ chat over WebSocket

  const chat = {
    name: null,        // what we asked for
    me: null,          // what the server calls us (a taken name gets " 2")
    room: null,
    socket: null,
    attempt: 0,        // failed connections in a row, for the backoff
    retryTimer: null,
    server: null,      // the server run of the last welcome: it changes on a restart
  };

  function chatUrl() {
    const url = new URL('chat/' + encodeURIComponent(chat.room), location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = '?name=' + encodeURIComponent(chat.name);
    url.hash = '';
    return url.toString();
  }

  function connect() {
    clearTimeout(chat.retryTimer);
    chat.retryTimer = null;
    const socket = new WebSocket(chatUrl());
    chat.socket = socket;
    showState('ws-state', chat.attempt === 0 && chat.server === null ? 'connecting' : 'reconnecting');
    let opened = false;
    socket.addEventListener('open', () => {
      if (socket !== chat.socket) return;
      opened = true;
      chat.attempt = 0;
      showState('ws-state', 'open');
      setComposer(true);
    });
    socket.addEventListener('message', (event) => {
      if (socket !== chat.socket) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      receive(message);
    });
    socket.addEventListener('close', (event) => {
      if (socket !== chat.socket) return; // we closed it ourselves to change rooms
      chat.socket = null;
      setComposer(false);
      if (!opened) chat.attempt++;
      else chat.attempt = 1;
      if (event.code === 1013) notice(event.reason || 'The room is busy; trying again.');
      scheduleReconnect();
    });
  }

  // Exponential backoff, capped, with jitter: half the delay fixed, half random.
  function scheduleReconnect() {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, chat.attempt - 1));
    const delay = ceiling / 2 + Math.random() * ceiling / 2;
    showState('ws-state', 'reconnecting');
    $('ws-state').title = `Reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${chat.attempt})`;
    chat.retryTimer = setTimeout(connect, delay);
  }

  function switchRoom(room) {
    if (room === chat.room && (chat.socket || chat.retryTimer)) return;
    const old = chat.socket;
    chat.socket = null;
    if (old) old.close(1000, 'changing rooms');
    chat.room = room;
    chat.attempt = 0;
    chat.server = null;
    $('room-title').textContent = '#' + room;
    document.title = `#${room} · Tether chat`;
    $('messages').replaceChildren();
    $('members').replaceChildren();
    $('member-count').textContent = '';
    setComposer(false);
    renderRooms();
    connect();
  }

  function receive(message) {
    switch (message.type) {
      case 'welcome': {
        const log = $('messages');
        if (chat.server !== null && chat.server !== message.server) {
          // The server restarted: what we had is kept, greyed, above a line.
          for (const line of log.children) line.classList.add('stale');
          log.append(el('li', 'divider', 'The server restarted; earlier messages were not kept there.'));
        } else {
          log.replaceChildren();
        }
        chat.server = message.server;
        chat.me = message.name;
        showMe();
        for (const past of message.history) receive(past);
        system(chat.me === chat.name ? `You joined #${message.room}` : `You joined #${message.room} as ${chat.me}`);
        showMembers(message.members);
        refreshRooms();
        break;
      }
      case 'message':
        addMessage(message);
        break;
      case 'join':
        system(`${message.name} joined`, message.time);
        break;
      case 'leave':
        system(`${message.name} left`, message.time);
        break;
      case 'members':
        showMembers(message.members);
        break;
      case 'error':
        notice(message.error);
        break;
      default:
        break;
    }
  }

  function nearBottom(list) {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function append(node) {
    const list = $('messages');
    const stick = nearBottom(list);
    list.append(node);
    if (stick) list.scrollTop = list.scrollHeight;
  }

  function addMessage(message) {
    const mine = message.from === chat.me;
    const item = el('li', mine ? 'message mine' : 'message');
    item.append(avatar(message.from));
    const bubble = el('div', 'bubble');
    const meta = el('div', 'meta');
    meta.append(el('span', 'from', mine ? 'You' : message.from), el('span', 'time muted', clock(message.time)));
    bubble.append(meta, el('div', 'text', message.text));
    item.append(bubble);
    append(item);
  }

  function system(text, time) {
    append(el('li', 'system', time ? `${text} · ${clock(time)}` : text));
  }

  function showMembers(members) {
    const list = $('members');
    list.replaceChildren();
    for (const name of members) {
      const item = el('li');
      item.append(avatar(name), el('span', 'member-name', name));
      if (name === chat.me) item.append(el('span', 'you', 'you'));
      list.append(item);
    }
    $('member-count').textContent = members.length === 1 ? '1 member' : `${members.length} members`;
    roomCounts.set(chat.room, members.length);
    renderRooms();
  }

  function showMe() {
    $('me').hidden = false;
    $('me-name').textContent = chat.me;
    $('me-avatar').replaceWith(Object.assign(avatar(chat.me), { id: 'me-avatar' }));
  }

  function setComposer(enabled) {
    $('text').disabled = !enabled;
    $('send').disabled = !enabled;
    $('text').placeholder = enabled ? `Message #${chat.room}` : 'Reconnecting…';
    if (enabled && document.activeElement === document.body) $('text').focus();
  }

  let noticeTimer = null;
  function notice(text) {
    const box = $('notice');
    box.textContent = text;
    box.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('text');
    const text = input.value.trim();
    if (!text || !chat.socket || chat.socket.readyState !== WebSocket.OPEN) return;
    if ([...text].length > MAX_TEXT) {
      notice(`A message is at most ${MAX_TEXT} characters.`);
      return;
    }
    chat.socket.send(JSON.stringify({ type: 'message', text }));
    input.value = '';
    $('counter').textContent = `0/${MAX_TEXT}`;
  });
  // Enter sends, Shift+Enter starts a new line.
  $('text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('composer').requestSubmit();
    }
  });
  $('text').addEventListener('input', () => {
    $('counter').textContent = `${[...$('text').value].length}/${MAX_TEXT}`;
  });

  // ------------------------------------------------------------------ activity over EventSource

  const feed = { source: null, attempt: 0 };

  function openFeed() {
    const source = new EventSource('activity');
    feed.source = source;
    source.addEventListener('open', () => {
      feed.attempt = 0;
      showState('sse-state', 'open');
    });
    source.addEventListener('activity', (event) => {
      let item;
      try {
        item = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      addActivity(item.kind, item.text, item.time, event.lastEventId);
      if (item.members > 0) roomCounts.set(item.room, item.members);
      else roomCounts.delete(item.room);
      renderRooms();
    });
    source.addEventListener('reset', () => {
      // What we missed cannot be replayed (the server restarted): say so, and reload the counts.
      addActivity('reset', 'The server restarted; activity from before is not replayed.', Date.now(), '');
      refreshRooms();
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. an error status while the server was starting): start afresh.
        feed.attempt++;
        const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** feed.attempt);
        setTimeout(openFeed, ceiling / 2 + Math.random() * ceiling / 2);
      }
      // Otherwise the EventSource reconnects by itself, sending Last-Event-ID.
      showState('sse-state', 'reconnecting');
    });
  }

  function addActivity(kind, text, time, id) {
    const list = $('activity');
    list.querySelector('.empty')?.remove();
    const item = el('li', 'kind-' + kind);
    if (id) item.dataset.id = id;
    item.append(el('span', 'kind'), el('span', 'text', text), el('span', 'time', clock(time)));
    list.prepend(item);
    while (list.children.length > MAX_ACTIVITY) list.lastElementChild.remove();
  }

  // ------------------------------------------------------------------ start: who and where

  function roomFromHash() {
    const room = decodeURIComponent(location.hash.slice(1)).toLowerCase();
    return validRoom(room) ? room : null;
  }

  // Shows the join dialog; `message` says what was wrong with what is in it (then left as typed).
  function askName(message) {
    $('join').hidden = false;
    if (!message) {
      $('join-name').value = chat.name || '';
      $('join-room').value = chat.room || roomFromHash() || 'lobby';
    }
    const error = $('join-error');
    error.hidden = !message;
    error.textContent = message || '';
    $('join-name').focus();
  }

  $('join-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $('join-name').value.trim();
    const room = $('join-room').value.trim().toLowerCase();
    if (!validName(name)) {
      askName(`A name is 1 to ${MAX_NAME} letters or digits, with single spaces, dots, dashes, underscores or apostrophes between.`);
      return;
    }
    if (!validRoom(room)) {
      askName(`A room is 1 to ${MAX_ROOM} lower-case letters and digits, with single dashes between.`);
      return;
    }
    $('join').hidden = true;
    try { localStorage.setItem('tether.name', name); } catch (e) { /* private mode */ }
    const renamed = chat.name !== null && chat.name !== name;
    chat.name = name;
    if (location.hash !== '#' + room) {
      if (renamed) chat.room = null;
      location.hash = room; // hashchange switches
    } else {
      chat.room = null;
      switchRoom(room);
    }
  });

  $('rename').addEventListener('click', () => askName());

  $('room-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const room = $('room-input').value.trim().toLowerCase();
    if (!validRoom(room)) {
      notice('A room is lower-case letters and digits, with single dashes between.');
      return;
    }
    $('room-input').value = '';
    location.hash = room;
  });

  window.addEventListener('hashchange', () => {
    const room = roomFromHash();
    if (room && chat.name) switchRoom(room);
  });

  function start() {
    const params = new URLSearchParams(location.search);
    let stored = null;
    try { stored = localStorage.getItem('tether.name'); } catch (e) { /* private mode */ }
    const name = (params.get('name') || stored || '').trim();
    const room = (params.get('room') || '').toLowerCase() || roomFromHash() || 'lobby';
    openFeed();
    refreshRooms();
    renderRooms();
    if (!validName(name) || !validRoom(room)) {
      chat.room = validRoom(room) ? room : 'lobby';
      showState('ws-state', 'idle', 'not joined'); // nothing connects until a name is given
      askName();
      if (name) {
        $('join-name').value = name;
        askName('Pick another name: letters and digits, with single spaces, dots, dashes, underscores or apostrophes between.');
      }
      return;
    }
    chat.name = name;
    if (location.hash !== '#' + room) history.replaceState(null, '', '#' + room);
    switchRoom(room);
  }

  start();
})();
