package dev.tether.client.events;

import dev.tether.client.EventSourceConnection.Response;
import dev.tether.client.EventSourceException;
import dev.tether.client.EventSourceRefusedException;
import dev.tether.client.EventSourceRequest;
import dev.tether.client.net.Redirects;
import dev.tether.sse.EventStreamParser;
import dev.tether.sse.EventTooLargeException;
import dev.tether.sse.ReceivedEvent;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of a {@link StreamConnection}, from {@code sendAsync} to the end of its stream. The
 * {@link #apply(ResponseInfo) body handler} looks at the status and content type before any body
 * byte is read: an event stream is read chunk by chunk into the parser, one chunk requested at a
 * time, after the connection's listener has heard {@code onOpen}; a redirect is followed with a
 * new request ({@link StreamRedirect}, {@link StreamRequests}: java.net.http itself follows none,
 * as it would copy every header to every hop); anything else is a refusal, of which the first
 * bytes are kept for the message.
 *
 * <p>Everything that touches the parser, the subscription or the listener runs as one of the
 * connection's serial events, so one attempt's calls never overlap and the subscription is used
 * from one thread at a time, as {@link Flow.Subscription} requires.
 */
final class StreamAttempt implements HttpResponse.BodyHandler<Void>, EventStreamParser.Listener {
    private static final String EVENT_STREAM = "text/event-stream";
    /** How long a refusal's body may take to give its first bytes. */
    private static final long BODY_START_WAIT_MILLIS = 1000;

    private final StreamConnection owner;
    private final StreamContext context;
    private final StreamRequests requests;
    private final int maxRedirects;
    private final Duration idleTimeout;
    private final EventStreamParser parser;
    private final IdleDeadline idle;

    private volatile boolean abandoned;
    /** The request of the current hop. */
    private volatile HttpRequest request;
    private volatile int redirectsLeft;
    private volatile CompletableFuture<HttpResponse<Void>> response;
    private volatile BodyStart refusal;
    /** The body handler chose to read an event stream. */
    private volatile boolean streaming;

    // Serial events only.
    private boolean opened;
    private boolean finished;
    private Flow.Subscription subscription;
    private Runnable heldEnd;

    StreamAttempt(StreamConnection owner, StreamContext context, EventSourceRequest options, String lastEventId) {
        this.owner = owner;
        this.context = context;
        this.requests = new StreamRequests(options, context, lastEventId);
        this.maxRedirects = options.maxRedirects();
        this.redirectsLeft = maxRedirects;
        this.parser = new EventStreamParser(this, options.maxEventBytes(), lastEventId);
        this.idleTimeout = options.idleTimeout();
        this.idle = new IdleDeadline(context.scheduler(), idleTimeout.toNanos(),
                () -> owner.serially(this::idleCheck));
    }

    /** Sends the request; what comes back goes to the owner. */
    void start() {
        send(requests.first());
    }

    private void send(HttpRequest hop) {
        request = hop;
        CompletableFuture<HttpResponse<Void>> sent;
        try {
            sent = context.http().sendAsync(request, this);
        } catch (RuntimeException e) { // the proxy selector refused, or the client is gone
            owner.serially(() -> owner.attemptFailed(this, failure(e)));
            return;
        }
        response = sent;
        if (abandoned) sent.cancel(true);
        sent.whenComplete(this::answered);
    }

    /** Stops this attempt: the request under way is cancelled, the stream's subscription too. Any thread. */
    void abandon() {
        abandoned = true;
        idle.stop();
        CompletableFuture<HttpResponse<Void>> sent = response;
        if (sent != null) sent.cancel(true);
        BodyStart body = refusal;
        if (body != null) body.finish();
        owner.serially(() -> {
            if (subscription != null) subscription.cancel();
        });
    }

    @Override
    public BodySubscriber<Void> apply(ResponseInfo info) {
        if (info.statusCode() == 200 && isEventStream(info.headers().firstValue("Content-Type").orElse(null))) {
            streaming = true;
            return new StreamBody();
        }
        BodyStart body = new BodyStart();
        refusal = body;
        return body;
    }

    private void answered(HttpResponse<Void> answer, Throwable error) {
        if (abandoned) return;
        if (error != null) {
            owner.serially(() -> owner.attemptFailed(this, failure(error)));
            return;
        }
        BodyStart body = refusal;
        if (body == null && !streaming) {
            // java.net.http answers a proxy's 407 to CONNECT without asking the body handler.
            body = new BodyStart();
            body.finish();
        }
        if (body == null) {
            owner.serially(() -> opened(answer));
            return;
        }
        String why = null;
        if (Redirects.isRedirect(answer.statusCode())) {
            StreamRedirect redirect = StreamRedirect.of(answer.uri(), answer.headers().firstValue("Location").orElse(null),
                    redirectsLeft, maxRedirects);
            if (redirect.followed()) {
                body.finish(); // its connection is closed rather than kept: a redirect is rare
                follow(answer.uri(), redirect.target());
                return;
            }
            why = redirect.refusal();
        }
        refuse(answer, body, why);
    }

    private void follow(URI from, URI target) {
        redirectsLeft--;
        refusal = null;
        if (!abandoned) send(requests.next(from, target));
    }

    /** The answer is not an event stream: the connection ends with it, once the body's start is in. */
    private void refuse(HttpResponse<Void> answer, BodyStart body, String why) {
        try {
            context.scheduler().schedule(body::finish, BODY_START_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // the scheduler is shut down: report what came so far, now
            body.finish();
        }
        body.text().thenAccept(text -> owner.serially(() -> owner.attemptFailed(this, new EventSourceRefusedException(
                answer.uri(), answer.statusCode(), answer.headers().firstValue("Content-Type").orElse(null),
                answer.headers().map(), text, why))));
    }

    private void opened(HttpResponse<Void> answer) {
        if (abandoned) return;
        if (!owner.opened(this, new Response(answer.uri(), answer.statusCode(), answer.headers().map()))) {
            abandon();
            return;
        }
        opened = true;
        idle.start();
        if (subscription != null) subscription.request(1);
        Runnable end = heldEnd;
        heldEnd = null;
        if (end != null) end.run();
    }

    private void chunk(List<ByteBuffer> buffers) {
        if (abandoned || finished) return;
        idle.touch();
        EventTooLargeException tooLarge = null;
        try {
            for (ByteBuffer buffer : buffers) parser.parse(buffer);
        } catch (EventTooLargeException e) {
            tooLarge = e;
        } finally {
            // An id and a blank line move it without an event, also earlier in a chunk that then failed.
            owner.lastEventId(parser.lastEventId());
        }
        if (tooLarge != null) {
            finished = true;
            idle.stop();
            subscription.cancel();
            owner.attemptFailed(this, Failures.tooLarge(tooLarge, request.uri()));
            return;
        }
        if (abandoned) return; // closed while the listener heard this chunk: ask for no more
        idle.touch(); // from here the server is waited for: a slow listener is not the server's silence
        subscription.request(1);
    }

    /** The idle timer fired: abandon a stream that has been silent for the whole idleTimeout. */
    private void idleCheck() {
        if (abandoned || finished) return;
        if (!idle.expired()) {
            idle.rearm();
            return;
        }
        finished = true;
        idle.stop();
        if (subscription != null) subscription.cancel();
        parser.endOfStream();
        owner.attemptFailed(this, Failures.idle(request.uri(), idleTimeout));
    }

    private void ended(Throwable error) {
        if (!opened) {
            heldEnd = () -> ended(error); // the body ended before the connection heard onOpen
            return;
        }
        if (abandoned || finished) return;
        finished = true;
        idle.stop();
        parser.endOfStream();
        owner.attemptFailed(this, error == null ? Failures.ended(request.uri()) : Failures.broken(error, request.uri()));
    }

    @Override
    public void onEvent(ReceivedEvent event) {
        owner.deliverEvent(event);
    }

    @Override
    public void onRetry(long millis) {
        owner.retry(millis);
    }

    @Override
    public void onComment(String text) {
        owner.deliverComment(text);
    }

    private EventSourceException failure(Throwable error) {
        URI uri = request.uri();
        return Failures.beforeResponse(error, uri, HttpClients.via(context.proxy(), uri), context.connectTimeout());
    }

    /** Whether a {@code Content-Type} is {@code text/event-stream}, with any parameters, in any case. */
    static boolean isEventStream(String contentType) {
        if (contentType == null) return false;
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.toLowerCase(Locale.ROOT).equals(EVENT_STREAM);
    }

    /** The body of an event stream: chunks into the parser, one at a time, once the stream is open. */
    private final class StreamBody implements BodySubscriber<Void> {
        @Override
        public CompletionStage<Void> getBody() {
            return CompletableFuture.completedFuture(null); // the response completes at its head, not its end
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            owner.serially(() -> {
                subscription = s;
                if (abandoned || finished) s.cancel();
                else if (opened) s.request(1);
            });
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            owner.serially(() -> chunk(buffers));
        }

        @Override
        public void onError(Throwable error) {
            owner.serially(() -> ended(error));
        }

        @Override
        public void onComplete() {
            owner.serially(() -> ended(null));
        }
    }
}
