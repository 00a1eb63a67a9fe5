package dev.tether.bench.server;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The plain way: an async servlet per subscriber, each event written and flushed to each in turn (blocking). */
final class AsyncServletSse extends HttpServlet implements SsePublisher {
    private static final long serialVersionUID = 1L;
    private static final byte[] EVENT = ("data: " + PAYLOAD + "\n\n").getBytes(StandardCharsets.UTF_8);

    private final transient List<ServletOutputStream> streams = new CopyOnWriteArrayList<>();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/event-stream;charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        response.flushBuffer();
        streams.add(response.getOutputStream());
    }

    @Override
    public long publish(double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long published = 0;
        while (System.nanoTime() < end) {
            for (ServletOutputStream out : streams) {
                try {
                    out.write(EVENT);
                    out.flush();
                } catch (IOException gone) {
                    streams.remove(out);
                }
            }
            published++;
        }
        return published;
    }

    @Override
    public int subscribers() {
        return streams.size();
    }
}
