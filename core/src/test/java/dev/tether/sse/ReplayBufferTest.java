package dev.tether.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.sse.ReplayBuffer.Resume.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static byte[] event(String id) {
        return SseEncoder.encode(SseEvent.data("e" + id).id(id));
    }

    private static List<String> texts(ReplayBuffer.Resume resume) {
        return resume.events().stream().map(b -> new String(b, UTF_8)).toList();
    }

    @Test
    void replaysEverythingAfterTheId() {
        ReplayBuffer buffer = new ReplayBuffer(10, 1 << 20);
        for (int i = 1; i <= 5; i++) buffer.add(Integer.toString(i), event(Integer.toString(i)));
        ReplayBuffer.Resume resume = buffer.resumeAfter("2");
        assertEquals(Outcome.REPLAY, resume.outcome());
        assertEquals(List.of("id: 3\ndata: e3\n\n",
                "id: 4\ndata: e4\n\n", "id: 5\ndata: e5\n\n"), texts(resume));
    }

    @Test
    void theNewestFewOldestFirst() {
        ReplayBuffer buffer = new ReplayBuffer(10, 1 << 20);
        for (int i = 1; i <= 5; i++) buffer.add(Integer.toString(i), event(Integer.toString(i)));
        assertEquals(List.of("id: 4\ndata: e4\n\n", "id: 5\ndata: e5\n\n"),
                buffer.newest(2).stream().map(b -> new String(b, UTF_8)).toList());
        assertEquals(5, buffer.newest(100).size());
        assertEquals(List.of(), buffer.newest(0));
        assertThrows(IllegalArgumentException.class, () -> buffer.newest(-1));
    }

    @Test
    void theNewestIdReplaysNothing() {
        ReplayBuffer buffer = new ReplayBuffer(10, 1 << 20);
        buffer.add("1", event("1"));
        ReplayBuffer.Resume resume = buffer.resumeAfter("1");
        assertEquals(Outcome.REPLAY, resume.outcome());
        assertEquals(List.of(), resume.events());
    }

    @Test
    void eventsWithoutIdsAreReplayedButCannotBeResumedFrom() {
        ReplayBuffer buffer = new ReplayBuffer(10, 1 << 20);
        buffer.add("1", event("1"));
        buffer.add(null, SseEncoder.encode(SseEvent.data("no id")));
        buffer.add("2", event("2"));
        assertEquals(List.of("data: no id\n\n", "id: 2\ndata: e2\n\n"), texts(buffer.resumeAfter("1")));
        assertEquals("2", buffer.newestId());
    }

    @Test
    void anIdThatLeftTheBufferIsUnknown() {
        ReplayBuffer buffer = new ReplayBuffer(3, 1 << 20);
        for (int i = 1; i <= 5; i++) buffer.add(Integer.toString(i), event(Integer.toString(i)));
        assertEquals(3, buffer.size());
        assertEquals(Outcome.UNKNOWN, buffer.resumeAfter("2").outcome());
        assertEquals(Outcome.REPLAY, buffer.resumeAfter("3").outcome());
        assertEquals(Outcome.UNKNOWN, buffer.resumeAfter("never sent").outcome());
    }

    @Test
    void boundedByBytes() {
        int size = event("1").length;
        ReplayBuffer buffer = new ReplayBuffer(100, 2L * size);
        for (int i = 1; i <= 4; i++) buffer.add(Integer.toString(i), event(Integer.toString(i)));
        assertEquals(2, buffer.size());
        assertEquals(2L * size, buffer.bytes());
        assertEquals(Outcome.UNKNOWN, buffer.resumeAfter("2").outcome());
        assertEquals(1, buffer.resumeAfter("3").events().size());
    }

    @Test
    void anEventTooLargeToKeepForgetsTheOlderOnes() {
        ReplayBuffer buffer = new ReplayBuffer(100, 64);
        buffer.add("1", event("1"));
        buffer.add("2", SseEncoder.encode(SseEvent.data("x".repeat(100)).id("2")));
        assertEquals(0, buffer.size());
        assertEquals(Outcome.UNKNOWN, buffer.resumeAfter("1").outcome(), "1 must not resume past the lost event 2");
        assertNull(buffer.newestId());
    }

    @Test
    void noReplayKeepsNothing() {
        ReplayBuffer buffer = new ReplayBuffer(0, 0);
        buffer.add("1", event("1"));
        assertEquals(Outcome.UNKNOWN, buffer.resumeAfter("1").outcome());
        assertThrows(IllegalArgumentException.class, () -> new ReplayBuffer(-1, 0));
    }
}
