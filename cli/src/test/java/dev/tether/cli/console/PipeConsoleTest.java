package dev.tether.cli.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The console for pipes and scripts, over streams the test holds instead of the process's own. */
class PipeConsoleTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PipeConsole console = new PipeConsole(new ByteArrayInputStream(new byte[0]), out, err, Styles.plain(), false);

    @Test
    void nothingIsPrintedOnceCloseHasReturned() throws Exception {
        console.message("< before");
        console.status("connected");
        console.close();
        // A message still being delivered, on the connection's thread, as the session ends.
        Thread late = new Thread(() -> {
            console.message("< after");
            console.status("closed: 1006");
        }, "late-delivery");
        late.start();
        late.join(10_000);
        assertFalse(late.isAlive(), "the late delivery did not return");
        assertEquals("< before\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("connected\n", err.toString(StandardCharsets.UTF_8));
        console.close();
    }
}
