package dev.tether.servlet.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventSourceDetectionTest {

    private static HttpServletRequest request(String method, String... accept) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getMethod()).thenReturn(method);
        when(request.getHeaders("Accept")).thenAnswer(call -> Collections.enumeration(List.of(accept))); // a fresh one each call, as containers give
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

    @ParameterizedTest(name = "{0} [{1}] -> {2}")
    @DisplayName("a path that serves only an event stream serves it to curl and scripts too, and passes a browser's page request on")
    @CsvSource(delimiter = '|', value = {
            "GET  | text/event-stream                                                       | true",
            "GET  | */*                                                                     | true",   // curl
            "GET  | text/*                                                                  | true",
            "GET  | application/json, */*;q=0.5                                             | true",
            "GET  | ''                                                                      | true",   // an empty header
            "GET  | text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8         | false",  // a browser opening the page
            "GET  | application/json                                                        | false",
            "GET  | */*;q=0                                                                 | false",
            "HEAD | */*                                                                     | false",
            "POST | */*                                                                     | false",
    })
    void streamRoutesAcceptAnyClientThatTakesAnything(String method, String accept, boolean expected) {
        assertEquals(expected, EventSources.acceptsEventStream(request(method, accept)));
    }

    @org.junit.jupiter.api.Test
    void noAcceptHeaderTakesAnything() {
        assertEquals(true, EventSources.acceptsEventStream(request("GET")));
    }
}
