package dev.tether.servlet.endpoint;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.HandlesTypes;

import java.util.Comparator;
import java.util.Set;

/**
 * Optional discovery: the container hands over the application's classes annotated
 * {@link WebSocketEndpoint} (ours only, so the containers' JSR-356 scanning never sees them) and
 * they are {@linkplain EndpointRegistry#register(ServletContext, Class[]) registered} with the
 * configurator their annotation names. An invalid endpoint class fails the application's start.
 *
 * <p>Switched off by the context parameter {@value #SCAN_PARAMETER} = {@code false}, e.g. when a
 * listener registers the endpoints with its own configurator.
 */
@HandlesTypes(WebSocketEndpoint.class)
public final class EndpointInitializer implements ServletContainerInitializer {
    /** The context parameter that turns discovery off when {@code false}. */
    public static final String SCAN_PARAMETER = "dev.tether.endpoint.scan";

    private static final System.Logger LOG = System.getLogger(EndpointInitializer.class.getName());

    /** Made by the container, which finds this class through {@code META-INF/services}. */
    public EndpointInitializer() {
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        if ("false".equalsIgnoreCase(context.getInitParameter(SCAN_PARAMETER))) {
            LOG.log(System.Logger.Level.DEBUG, "endpoint discovery is off ({0}=false)", SCAN_PARAMETER);
            return;
        }
        if (classes == null || classes.isEmpty()) {
            return;
        }
        Class<?>[] endpoints = classes.stream()
                .filter(c -> c.isAnnotationPresent(WebSocketEndpoint.class))
                .sorted(Comparator.comparing(Class::getName))
                .toArray(Class<?>[]::new);
        try {
            EndpointRegistry.register(context, endpoints);
        } catch (EndpointDefinitionException e) {
            throw new ServletException(e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, "WebSocket endpoints found: {0}", java.util.Arrays.toString(endpoints));
    }
}
