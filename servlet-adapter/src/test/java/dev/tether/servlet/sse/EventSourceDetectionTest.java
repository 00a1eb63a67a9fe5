package dev.tether.servlet.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventSourceDetectionTest {

    private static HttpServletRequest request(String method, String... accept) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getMethod()).thenReturn(method);
        when(request.getHeaders("Accept")).thenReturn(Collections.enumeration(List.of(accept)));
        return request;
    }

    @ParameterizedTest(name = "{0} [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
            "GET  | text/event-stream                              | true",
            "GET  | TEXT/Event-Stream                              | true",
            "GET  | text/html, text/event-stream                   | true",
            "GET  | text/event-stream, */*                         | true",
            "GET  | text/html;q=0.9,text/event-stream;q=0.8        | true",
            "GET  | text/event-stream ; charset=utf-8              | true",
            "GET  | text/event-stream;q=0                          | false",
            "GET  | text/event-stream;q=0.000                      | false",
            "GET  | text/event-stream;q=0.001                      | true",
            "GET  | text/event-streams                             | false",
            "GET  | application/text/event-stream                  | false",
            "GET  | */*                                            | false",
            "GET  | text/*                                         | false",
            "GET  | ''                                             | false",
            "POST | text/event-stream                              | false",
    })
    void acceptListsTheEventStreamType(String method, String accept, boolean expected) {
        assertEquals(expected, EventSources.isEventSource(request(method, accept)));
    }

    @org.junit.jupiter.api.Test
    void severalAcceptLinesCountAsOneList() {
        assertEquals(true, EventSources.isEventSource(request("GET", "text/html", "text/event-stream")));
        assertEquals(false, EventSources.isEventSource(request("GET")));
    }
}
