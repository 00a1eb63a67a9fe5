package dev.tether.example;

import dev.tether.servlet.endpoint.EndpointRegistry;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Registers the annotated endpoints when the application starts. Declared in {@code web.xml}, so
 * it may add servlets; discovery by {@code EndpointInitializer} is switched off there, to show the
 * explicit way.
 */
public class Endpoints implements ServletContextListener {

    public Endpoints() {
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        EndpointRegistry.register(event.getServletContext(), ChatEndpoint.class);
    }
}
