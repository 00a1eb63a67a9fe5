package dev.tether.client.events;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The first bytes of a refused response's body, for the refusal's message: up to
 * {@value #MAX_BYTES} bytes, then the body is cancelled. {@link #text()} completes when they are
 * in, the body ends, or {@link #finish()} is called (a body that stalls must not hold the
 * refusal back). The response itself completes at its head.
 */
final class BodyStart implements BodySubscriber<Void> {
    static final int MAX_BYTES = 512;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<String> text = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private boolean done;

    /** The body's start as text (UTF-8, bad bytes replaced, line ends and runs of spaces made one space). */
    CompletionStage<String> text() {
        return text;
    }

    /** Stops reading: the text is what came so far. Any thread. */
    void finish() {
        Flow.Subscription cancelling;
        synchronized (this) {
            if (done) return;
            done = true;
            cancelling = subscription;
        }
        if (cancelling != null) cancelling.cancel();
        complete();
    }

    @Override
    public CompletionStage<Void> getBody() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        boolean cancel;
        synchronized (this) {
            subscription = s;
            cancel = done;
        }
        if (cancel) s.cancel();
        else s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        boolean full;
        synchronized (this) {
            if (done) return;
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), MAX_BYTES - bytes.size());
                byte[] part = new byte[take];
                buffer.get(part);
                bytes.writeBytes(part);
            }
            full = bytes.size() >= MAX_BYTES;
        }
        if (full) finish();
        else subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        finish();
    }

    @Override
    public void onComplete() {
        finish();
    }

    private void complete() {
        String body;
        boolean cut;
        synchronized (this) {
            body = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
            cut = bytes.size() >= MAX_BYTES;
        }
        text.complete(body.replaceAll("\\s+", " ").strip() + (cut ? "…" : ""));
    }
}
