package dev.tether.servlet.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContainerInitializer;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;

/**
 * A deployment as Jetty's ee10 servlet context (Servlet 6.0). The same steps as
 * {@link JettyEe11Context} with the other environment's types: Jetty gives the two no common API.
 */
final class JettyEe10Context {
    private JettyEe10Context() {
    }

    static ServletContextHandler of(Deployment deployment) {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        deployment.initParameters.forEach(context::setInitParameter);
        ServletContainerInitializer attributes = (classes, servletContext) ->
                deployment.attributes.forEach(servletContext::setAttribute);
        context.addServletContainerInitializer(attributes);
        if (deployment.containerWebSocket) {
            JakartaWebSocketServletContainerInitializer.configure(context, null);
        }
        for (Deployment.Initializer i : deployment.initializers) {
            context.addServletContainerInitializer(i.initializer(), i.handlesTypes().toArray(Class<?>[]::new));
        }
        for (Deployment.FilterMapping f : deployment.filters) {
            FilterHolder holder = new FilterHolder(f.filter());
            holder.setName(f.name());
            holder.setAsyncSupported(true);
            context.addFilter(holder, f.mapping(), EnumSet.of(DispatcherType.REQUEST));
        }
        for (Deployment.ServletMapping s : deployment.servlets) {
            ServletHolder holder = new ServletHolder(s.name(), s.servlet());
            holder.setAsyncSupported(true);
            context.addServlet(holder, s.mapping());
        }
        return context;
    }
}
