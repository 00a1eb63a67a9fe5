package dev.tether.client.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A JDK TLS server on 127.0.0.1 for one connection: it completes the handshake, records what the
 * client sent (SNI, its certificate), writes {@link #GREETING} and closes. Close it when done.
 */
public final class TlsTestServer implements AutoCloseable {
    /** What the server writes once the handshake is done. */
    public static final String GREETING = "hello over TLS";
    private static final int ACCEPT_TIMEOUT_MILLIS = 20_000;

    /** What the server saw of a handshake that completed. */
    public record Seen(List<String> serverNames, X509Certificate clientCertificate, String protocol, String applicationProtocol) {
    }

    private final SSLServerSocket socket;
    private final Thread thread;
    private final CompletableFuture<Seen> seen = new CompletableFuture<>();

    private TlsTestServer(SSLServerSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::serveOne, "tls-test-server-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** A server presenting what {@code context} holds, not asking for client certificates. */
    public static TlsTestServer start(SSLContext context) throws IOException {
        return start(context, false, null);
    }

    /**
     * A server presenting what {@code context} holds; with {@code requireClientCertificate} it
     * refuses clients without a certificate its context trusts. {@code applicationProtocols}, when
     * not null, are the ALPN protocols it accepts.
     */
    public static TlsTestServer start(SSLContext context, boolean requireClientCertificate, String[] applicationProtocols)
            throws IOException {
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(ACCEPT_TIMEOUT_MILLIS);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setNeedClientAuth(requireClientCertificate);
        if (applicationProtocols != null) parameters.setApplicationProtocols(applicationProtocols);
        socket.setSSLParameters(parameters);
        return new TlsTestServer(socket);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /**
     * What the server saw, once its handshake completed.
     *
     * @throws ExecutionException if the server's side of the handshake failed (the cause says why)
     */
    public Seen seen() throws ExecutionException, InterruptedException, TimeoutException {
        return seen.get(20, TimeUnit.SECONDS);
    }

    private void serveOne() {
        try (SSLSocket connection = (SSLSocket) socket.accept()) {
            connection.setSoTimeout(ACCEPT_TIMEOUT_MILLIS);
            connection.startHandshake();
            SSLSession session = connection.getSession();
            List<String> names = ((ExtendedSSLSession) session).getRequestedServerNames().stream()
                    .map(TlsTestServer::hostName).toList();
            X509Certificate client = null;
            try {
                Certificate[] peer = session.getPeerCertificates();
                client = (X509Certificate) peer[0];
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate: fine unless one was required, and then the handshake failed already
            }
            seen.complete(new Seen(names, client, session.getProtocol(), connection.getApplicationProtocol()));
            OutputStream out = connection.getOutputStream();
            out.write(GREETING.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // wait for the client to finish reading and close: closing first could lose the greeting in a reset
            connection.getInputStream().read();
        } catch (IOException | RuntimeException e) {
            seen.completeExceptionally(e);
        }
    }

    private static String hostName(SNIServerName name) {
        return name instanceof SNIHostName host ? host.getAsciiName() : name.toString();
    }

    /** Stops accepting and waits for the serving thread to end. */
    @Override
    public void close() throws IOException {
        socket.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) throw new IllegalStateException(thread.getName() + " did not end");
    }
}
