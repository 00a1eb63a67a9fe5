// Connects to an event stream with the `eventsource` package, prints every event it receives as
// one JSON line {"type","data","lastEventId"}, and exits 0 after <count> events, or 2 after
// <timeoutMs> without them. The package reconnects by itself (with Last-Event-ID) when the server
// ends the stream.
//
//   node sse-client.mjs <url> <count> <timeoutMs> [eventType ...]
import { EventSource } from 'eventsource';

const [url, countArg, timeoutArg, ...types] = process.argv.slice(2);
if (!url || !countArg || !timeoutArg) {
  console.error('usage: node sse-client.mjs <url> <count> <timeoutMs> [eventType ...]');
  process.exit(64);
}
const wanted = Number(countArg);
let received = 0;

const source = new EventSource(url);
const timer = setTimeout(() => {
  console.error(`timed out after ${timeoutArg} ms with ${received} of ${wanted} events`);
  source.close();
  process.exit(2);
}, Number(timeoutArg));

const print = (event) => {
  console.log(JSON.stringify({ type: event.type, data: event.data, lastEventId: event.lastEventId }));
  if (++received >= wanted) {
    clearTimeout(timer);
    source.close();
    process.exit(0);
  }
};
for (const type of ['message', ...types]) source.addEventListener(type, print);
source.addEventListener('error', (event) => console.error(`error event: ${event.message ?? ''}`));
