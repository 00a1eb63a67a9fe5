package dev.tether.runtime.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.api.EventSourceListener;
import dev.tether.api.ReadyState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streams a server started, closed together when it stops. */
class OpenStreamsTest {
    private final EventStreamOptions options = EventStreamOptions.builder().pingInterval(Duration.ZERO)
            .executor(new ManualExecutor()).scheduler(new ManualScheduler()).build();

    private EventStream started(FakeOutput output) {
        EventStream stream = new EventStream(options, new EventSourceListener() {
        }, "http://localhost/events", "", () -> { });
        stream.start(output);
        return stream;
    }

    @Test
    void aStreamLeavesWhenItClosesAndCloseAllClosesTheRestAfterWhatTheyQueued() {
        OpenStreams open = new OpenStreams();
        List<FakeOutput> outputs = new ArrayList<>();
        List<EventStream> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FakeOutput output = new FakeOutput();
            outputs.add(output);
            streams.add(started(output));
            open.track(streams.get(i));
        }
        assertEquals(3, open.size());
        streams.get(0).outputEnded("the client went away", null);
        assertEquals(2, open.size());

        streams.get(1).send("last words");
        open.closeAll();
        assertEquals(ReadyState.CLOSING, streams.get(1).readyState(), "its event is still being written");
        assertEquals(ReadyState.CLOSED, streams.get(2).readyState());
        assertEquals(1, open.size());
        outputs.get(1).completeAll();
        assertEquals(ReadyState.CLOSED, streams.get(1).readyState());
        assertEquals(0, open.size());
    }
}
