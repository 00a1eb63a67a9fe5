package dev.tether.servlet;

import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.JdkClient;
import dev.tether.servlet.testing.RunningServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Listener calls run with the web application's context class loader, as the request did (JNDI
 * lookups and ServiceLoader in a listener depend on it), on every route: Tomcat binds none for its
 * internal upgrade handlers, so the Tomcat route binds it itself (seen failing first there).
 */
class WebSocketContextClassLoaderTest {
    @ParameterizedTest
    @EnumSource(Container.class)
    void onOpenSeesTheApplicationsContextClassLoader(Container container) throws Exception {
        CompletableFuture<ClassLoader> atRequest = new CompletableFuture<>();
        CompletableFuture<String> atOpen = new CompletableFuture<>();
        TestServlet servlet = new TestServlet(WebSocketOptions.defaults(), request -> {
            atRequest.complete(Thread.currentThread().getContextClassLoader());
            return new WebSocketListener() {
                @Override
                public void onOpen(WebSocket socket) {
                    atOpen.complete(Thread.currentThread().getName() + "\n" + Thread.currentThread().getContextClassLoader());
                }
            };
        });
        try (RunningServer running = container.start(r -> r.addServlet("/tccl", servlet));
             JdkClient client = JdkClient.connect(running.wsUri("/tccl"))) {
            String open = atOpen.get(10, TimeUnit.SECONDS);
            ClassLoader request = atRequest.get(10, TimeUnit.SECONDS);
            assertEquals(request.toString(), open.substring(open.indexOf('\n') + 1), "onOpen on " + open + "; request had " + request);
            client.socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        }
    }
}
