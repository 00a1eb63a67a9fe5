package dev.tether.example;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /api/rooms}: the open chat rooms and their member counts, {@code {"rooms":[{"name":"lobby","members":2}]}}.
 * In a cluster, this node's rooms and members: the presence lists a room's members, not the rooms.
 */
public class RoomsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient ChatRooms rooms;

    public RoomsServlet() {
    }

    @Override
    public void init() throws ServletException {
        if (!(getServletContext().getAttribute(Endpoints.ROOMS) instanceof ChatRooms found)) {
            throw new ServletException("no chat rooms in the servlet context: the " + Endpoints.class.getName()
                    + " listener must be declared in web.xml");
        }
        rooms = found;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = rooms.roomsJson().getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
