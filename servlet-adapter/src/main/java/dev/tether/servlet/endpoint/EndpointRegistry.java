package dev.tether.servlet.endpoint;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;

import java.util.Set;

/**
 * Registers annotated endpoint classes with a web application, from a
 * {@code ServletContainerInitializer} or a {@code ServletContextListener} declared in
 * {@code web.xml} or with {@code @WebListener} (the servlet API lets only those add servlets):
 *
 * <pre>{@code
 * @WebListener
 * public class Endpoints implements ServletContextListener {
 *     public void contextInitialized(ServletContextEvent event) {
 *         EndpointRegistry.register(event.getServletContext(), ChatEndpoint.class);
 *     }
 * }
 * }</pre>
 *
 * <p>The first registration adds one {@link EndpointServlet}, named {@value #SERVLET_NAME}, and each
 * endpoint maps its template's URL pattern to it: the template itself when it has no variable
 * ({@code /status}), else its literal prefix and {@code /*} ({@code /chat/{room}} → {@code /chat/*};
 * a template starting with a variable takes {@code /*}, the whole application).
 *
 * <p>Routing: the most specific template that matches the path wins (a literal segment beats a
 * variable, leftmost first: {@code /chat/lobby} before {@code /chat/{room}}); among equally specific
 * ones, the client's first offered subprotocol that an endpoint declares, then an endpoint that
 * declares none. A path under the servlet's patterns that matches no template gets 404, offered
 * subprotocols that no matching endpoint speaks 400, a request that is not a handshake 426.
 */
public final class EndpointRegistry {
    /** The name of the servlet that registration adds. */
    public static final String SERVLET_NAME = "dev.tether.endpoints";

    private EndpointRegistry() {
    }

    /**
     * Validates and registers endpoint classes, each with the configurator its annotation names.
     * Registering a class again does nothing.
     *
     * @param context         the web application to serve the endpoints in
     * @param endpointClasses the classes annotated {@link WebSocketEndpoint}
     * @throws EndpointDefinitionException when a class is not a valid endpoint, or would serve the
     *                                     same requests as one registered before
     * @throws IllegalStateException       when the context no longer accepts servlets, or a URL
     *                                     pattern an endpoint needs is mapped to another servlet
     */
    public static void register(ServletContext context, Class<?>... endpointClasses) {
        register(context, null, endpointClasses);
    }

    /**
     * Validates and registers endpoint classes, all with {@code configurator} (e.g. one that takes
     * instances from a DI container) instead of the one their annotation names.
     *
     * @param context         the web application to serve the endpoints in
     * @param configurator    the configurator for every class listed; null for the one each annotation names
     * @param endpointClasses the classes annotated {@link WebSocketEndpoint}
     * @throws EndpointDefinitionException when a class is not a valid endpoint, or would serve the
     *                                     same requests as one registered before
     * @throws IllegalStateException       when the context no longer accepts servlets, a URL pattern
     *                                     an endpoint needs is mapped to another servlet, or a class
     *                                     is registered already with another configurator
     * @see #register(ServletContext, Class[])
     */
    public static void register(ServletContext context, EndpointConfigurator configurator, Class<?>... endpointClasses) {
        synchronized (context) {
            ServletRegistration registration = context.getServletRegistration(SERVLET_NAME);
            EndpointRouter router = (EndpointRouter) context.getAttribute(EndpointRouter.class.getName());
            if (router == null) {
                router = new EndpointRouter();
                registration = addServlet(context, router);
                context.setAttribute(EndpointRouter.class.getName(), router);
            }
            for (Class<?> type : endpointClasses) {
                EndpointModel model = router.add(type, configurator);
                if (model != null) {
                    map(registration, model);
                }
            }
        }
    }

    private static ServletRegistration addServlet(ServletContext context, EndpointRouter router) {
        ServletRegistration.Dynamic servlet;
        try {
            servlet = context.addServlet(SERVLET_NAME, new EndpointServlet(router));
        } catch (UnsupportedOperationException | IllegalStateException e) {
            throw new IllegalStateException("this servlet context does not accept servlets now (" + e.getMessage()
                    + "): register endpoints from a ServletContainerInitializer or a ServletContextListener declared "
                    + "in web.xml or with @WebListener, or map an EndpointServlet yourself", e);
        }
        if (servlet == null) {
            throw new IllegalStateException("a servlet named " + SERVLET_NAME + " exists already");
        }
        servlet.setAsyncSupported(true);
        return servlet;
    }

    private static void map(ServletRegistration registration, EndpointModel model) {
        String pattern = model.template().urlPattern();
        if (pattern.equals("/")) {
            pattern = ""; // the context root exactly; "/" would make us the default servlet
        }
        if (registration.getMappings().contains(pattern)) {
            return;
        }
        Set<String> conflicts = registration.addMapping(pattern);
        if (!conflicts.isEmpty()) {
            throw new IllegalStateException(model.type().getName() + " at " + model.template() + " needs the URL pattern \""
                    + pattern + "\", which another servlet is mapped to");
        }
    }
}
