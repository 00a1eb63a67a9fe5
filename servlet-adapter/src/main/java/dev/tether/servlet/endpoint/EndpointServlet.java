package dev.tether.servlet.endpoint;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Serves annotated endpoints under the servlet's URL patterns, routing each handshake by path
 * template and subprotocol (see {@link EndpointRegistry} for the rules). Template paths are relative
 * to the context path, whatever the servlet's mapping: map {@code /chat/*} to serve
 * {@code @WebSocketEndpoint("/chat/{room}")}.
 *
 * <p>In {@code web.xml}, list the endpoint classes in the init parameter {@value #ENDPOINTS_PARAMETER}
 * (separated by commas or white space):
 *
 * <pre>{@code
 * <servlet>
 *   <servlet-name>chat</servlet-name>
 *   <servlet-class>dev.tether.servlet.endpoint.EndpointServlet</servlet-class>
 *   <init-param><param-name>endpoints</param-name><param-value>com.example.ChatEndpoint</param-value></init-param>
 * </servlet>
 * <servlet-mapping><servlet-name>chat</servlet-name><url-pattern>/chat/*</url-pattern></servlet-mapping>
 * }</pre>
 *
 * <p>With an embedded container, construct it with the classes: {@code new EndpointServlet(ChatEndpoint.class)}.
 * Either way, an invalid endpoint class fails here, at startup, with every problem listed.
 */
public class EndpointServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The init parameter listing the endpoint classes. */
    public static final String ENDPOINTS_PARAMETER = "endpoints";

    private final transient EndpointRouter router;

    /** A servlet whose endpoints are listed in its init parameter {@value #ENDPOINTS_PARAMETER}. */
    public EndpointServlet() {
        this(new EndpointRouter());
    }

    /**
     * A servlet serving {@code endpointClasses}, each with the configurator its annotation names.
     *
     * @param endpointClasses the classes annotated {@link WebSocketEndpoint}
     * @throws EndpointDefinitionException when a class is not a valid endpoint
     */
    public EndpointServlet(Class<?>... endpointClasses) {
        this(null, endpointClasses);
    }

    /**
     * A servlet serving {@code endpointClasses}, all with {@code configurator} (e.g. one that takes
     * instances from a DI container) instead of the one their annotation names.
     *
     * @param configurator    the configurator for every class listed; null for the one each annotation names
     * @param endpointClasses the classes annotated {@link WebSocketEndpoint}
     * @throws EndpointDefinitionException when a class is not a valid endpoint
     */
    public EndpointServlet(EndpointConfigurator configurator, Class<?>... endpointClasses) {
        this(new EndpointRouter());
        for (Class<?> type : endpointClasses) {
            router.add(type, configurator);
        }
    }

    EndpointServlet(EndpointRouter router) {
        this.router = router;
    }

    @Override
    public void init() throws ServletException {
        String listed = getInitParameter(ENDPOINTS_PARAMETER);
        if (listed != null) {
            for (String name : listed.trim().split("[,\\s]+")) {
                if (name.isEmpty()) {
                    continue;
                }
                try {
                    router.add(load(name), null);
                } catch (ClassNotFoundException e) {
                    throw new ServletException("servlet " + getServletName() + ", init parameter " + ENDPOINTS_PARAMETER
                            + ": no class " + name, e);
                } catch (EndpointDefinitionException e) {
                    throw new ServletException(e.getMessage(), e);
                }
            }
        }
        if (router.isEmpty()) {
            throw new ServletException("servlet " + getServletName() + " serves no endpoint: list the endpoint classes "
                    + "in its init parameter \"" + ENDPOINTS_PARAMETER + "\"");
        }
    }

    /** Loads a listed class with the application's class loader, else the thread's, else ours (embedded). */
    private Class<?> load(String name) throws ClassNotFoundException {
        ClassNotFoundException notFound = null;
        for (ClassLoader loader : new ClassLoader[]{getServletContext().getClassLoader(),
                Thread.currentThread().getContextClassLoader(), EndpointServlet.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                notFound = e;
            }
        }
        throw notFound != null ? notFound : new ClassNotFoundException(name);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        router.serve(request, response);
    }
}
