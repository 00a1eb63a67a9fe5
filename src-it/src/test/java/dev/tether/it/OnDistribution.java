package dev.tether.it;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.ServerLogOnFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;

/**
 * Tests against one stock distribution with the example WAR deployed: started once for the test
 * class, stopped after it; its log is printed when a test fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ServerLogOnFailure.class)
abstract class OnDistribution implements ServerLogOnFailure.HasServer {
    private Distribution server;
    /** One client for the class's plain HTTP and WebSocket requests. */
    protected HttpClient http;

    /** The distribution under test, not yet started. */
    protected abstract Distribution newServer();

    @Override
    public Distribution server() {
        return server;
    }

    @BeforeAll
    void startServer() throws Exception {
        server = newServer();
        try {
            server.start();
        } catch (Exception | Error e) {
            server.stop();
            throw e;
        }
        System.out.println("[src-it] " + server + " is up; log: " + server.log());
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    void stopServer() {
        if (server != null) server.stop();
    }
}
