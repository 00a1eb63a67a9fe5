package dev.tether.example;

import dev.tether.servlet.endpoint.EndpointRegistry;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Sets up the chat when the application starts: the activity feed and the rooms (kept in the
 * servlet context for {@link ActivityFilter} and {@link RoomsServlet}), and the annotated
 * {@link ChatEndpoint}, registered with a configurator that hands every connection the rooms.
 * Declared in {@code web.xml}, so it may add servlets; discovery by {@code EndpointInitializer} is
 * switched off there, to show the explicit way.
 */
public class Endpoints implements ServletContextListener {
    static final String ROOMS = ChatRooms.class.getName();

    public Endpoints() {
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Activity activity = new Activity();
        ChatRooms rooms = new ChatRooms(activity);
        context.setAttribute(Activity.ATTRIBUTE, activity);
        context.setAttribute(ROOMS, rooms);
        EndpointRegistry.register(context, new ChatEndpoint.Configurator(rooms), ChatEndpoint.class);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (event.getServletContext().getAttribute(Activity.ATTRIBUTE) instanceof Activity activity) {
            activity.closeAll();
        }
    }
}
