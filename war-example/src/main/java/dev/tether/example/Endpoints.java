package dev.tether.example;

import dev.tether.broker.redis.RedisBroker;
import dev.tether.broker.redis.RedisBrokerOptions;
import dev.tether.runtime.broadcast.Broker;
import dev.tether.runtime.broadcast.LocalBroker;
import dev.tether.servlet.endpoint.EndpointRegistry;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.net.URI;

/**
 * Sets up the chat when the application starts: the application's {@link Broker}, the activity feed
 * and the rooms on it (kept in the servlet context for {@link ActivityFilter} and
 * {@link RoomsServlet}), and the annotated {@link ChatEndpoint}, registered with a configurator that
 * hands every connection the rooms. Declared in {@code web.xml}, so it may add servlets; discovery by
 * {@code EndpointInitializer} is switched off there, to show the explicit way.
 *
 * <h2>Alone or as a cluster</h2>
 * Given a Redis URL, in the system property {@value #REDIS_URL_PROPERTY} or else the environment
 * variable {@value #REDIS_URL_VARIABLE} (e.g. {@code redis://127.0.0.1:6379}), the broker is a
 * {@link RedisBroker}: every node started with the same URL shares the rooms, their members and the
 * activity feed, so a load balancer may send each client to any node. Without one, or when Redis
 * cannot be reached at start (the broker then warns), the node runs alone on a {@link LocalBroker}.
 * The broker is closed when the application stops: this node's members then leave the other nodes'
 * lists at once.
 */
public class Endpoints implements ServletContextListener {
    static final String ROOMS = ChatRooms.class.getName();
    /** The system property naming the Redis to share the chat through. */
    public static final String REDIS_URL_PROPERTY = "tether.redis.url";
    /** The environment variable naming it, when the system property does not. */
    public static final String REDIS_URL_VARIABLE = "TETHER_REDIS_URL";
    /**
     * A servlet context attribute saying how the application runs, "alone" or "with Redis at …" (the
     * URL without its password), for whoever started it (the embedded runner prints it).
     */
    public static final String MODE = "dev.tether.example.mode";
    private static final System.Logger LOG = System.getLogger(Endpoints.class.getName());

    private Broker broker;
    private ChatRooms rooms;

    public Endpoints() {
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        String url = redisUrl();
        String mode;
        if (url == null) {
            broker = new LocalBroker();
            mode = "alone";
        } else {
            RedisBrokerOptions options;
            try {
                options = RedisBrokerOptions.builder(url)
                        .ifUnreachable(RedisBrokerOptions.IfUnreachable.RUN_ALONE)
                        .build();
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("the Redis URL (" + REDIS_URL_VARIABLE + " or -D" + REDIS_URL_PROPERTY
                        + ") is wrong: " + e.getMessage(), e);
            }
            broker = RedisBroker.open(options);
            mode = broker.shared() ? "with Redis at " + withoutPassword(url) : "alone (Redis at " + withoutPassword(url) + " was out of reach)";
        }
        LOG.log(System.Logger.Level.INFO, "Tether example: the chat runs " + mode);
        context.setAttribute(MODE, mode);
        Activity activity = new Activity(broker);
        rooms = new ChatRooms(broker, activity);
        context.setAttribute(Activity.ATTRIBUTE, activity);
        context.setAttribute(ROOMS, rooms);
        EndpointRegistry.register(context, new ChatEndpoint.Configurator(rooms), ChatEndpoint.class);
    }

    /** Closes the broker, and with it the activity streams (and Redis's connections and threads). */
    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (rooms != null) rooms.stop();
        if (broker != null) broker.close();
    }

    /** The Redis URL the node was given, or null. */
    static String redisUrl() {
        String url = System.getProperty(REDIS_URL_PROPERTY);
        if (url == null || url.isBlank()) url = System.getenv(REDIS_URL_VARIABLE);
        return url == null || url.isBlank() ? null : url.strip();
    }

    /** {@code url} fit for a log: a password in it ({@code redis://user:secret@host}) is left out. */
    static String withoutPassword(String url) {
        try {
            URI uri = URI.create(url);
            String user = uri.getRawUserInfo();
            if (user == null) return url;
            int colon = user.indexOf(':');
            String shown = colon < 0 ? "…" : user.substring(0, colon) + ":…";
            return url.replace(user + "@", shown + "@");
        } catch (IllegalArgumentException e) {
            return "(a URL that does not parse)";
        }
    }
}
