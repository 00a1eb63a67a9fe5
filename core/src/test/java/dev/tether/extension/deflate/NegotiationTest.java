package dev.tether.extension.deflate;

import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionHeader;
import dev.tether.extension.ExtensionSession;
import dev.tether.extension.Extensions;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.tether.extension.deflate.Sessions.MAX;
import static dev.tether.extension.deflate.Sessions.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 7692 §7: what a server answers to offers, and which responses a client accepts. */
class NegotiationTest {
    private static final ExtensionContext SERVER = new ExtensionContext(Role.SERVER, MAX);
    private static final ExtensionContext CLIENT = new ExtensionContext(Role.CLIENT, MAX);
    private static final String DECLINED = "declined";

    private static String answer(PerMessageDeflate deflate, String offers) {
        ExtensionSession session = deflate.createServerSession(ExtensionHeader.parse(offers), SERVER);
        return session == null ? DECLINED : header(session.generateResponse());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            permessage-deflate                                                     | permessage-deflate
            permessage-deflate; client_max_window_bits                             | permessage-deflate
            permessage-deflate; client_max_window_bits=10                          | permessage-deflate
            permessage-deflate; client_max_window_bits="10"                        | permessage-deflate
            permessage-deflate; server_max_window_bits=15                          | permessage-deflate; server_max_window_bits=15
            permessage-deflate; server_no_context_takeover                         | permessage-deflate; server_no_context_takeover
            permessage-deflate; client_no_context_takeover                         | permessage-deflate; client_no_context_takeover
            permessage-deflate; client_no_context_takeover; server_no_context_takeover | permessage-deflate; server_no_context_takeover; client_no_context_takeover
            permessage-deflate; server_max_window_bits=10                          | permessage-deflate; server_max_window_bits=10
            permessage-deflate; server_max_window_bits=8                           | permessage-deflate; server_max_window_bits=8
            permessage-deflate; server_max_window_bits=10, permessage-deflate; server_no_context_takeover | permessage-deflate; server_max_window_bits=10
            permessage-deflate; server_max_window_bits                             | declined
            permessage-deflate; server_max_window_bits=16                          | declined
            permessage-deflate; server_max_window_bits=015                         | declined
            permessage-deflate; server_max_window_bits=1a                          | declined
            permessage-deflate; client_max_window_bits=7                           | declined
            permessage-deflate; client_max_window_bits=16                          | declined
            permessage-deflate; client_max_window_bits=0                          | declined
            permessage-deflate; server_no_context_takeover=1                       | declined
            permessage-deflate; client_no_context_takeover=true                    | declined
            permessage-deflate; server_no_context_takeover; server_no_context_takeover | declined
            permessage-deflate; client_max_window_bits; client_max_window_bits=10  | declined
            permessage-deflate; mux                                                | declined
            permessage-deflate; mux, permessage-deflate; client_max_window_bits    | permessage-deflate
            """)
    void aServerAnswersTheFirstOfferItCanHonour(String offers, String expected) {
        assertEquals(expected, answer(PerMessageDeflate.defaults(), offers));
    }

    @ParameterizedTest(name = "server {0}, client {1}: {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            true  | false | permessage-deflate | permessage-deflate; server_no_context_takeover
            false | true  | permessage-deflate | permessage-deflate; client_no_context_takeover
            true  | true  | permessage-deflate | permessage-deflate; server_no_context_takeover; client_no_context_takeover
            true  | false | permessage-deflate; server_max_window_bits=9 | permessage-deflate; server_max_window_bits=9; server_no_context_takeover
            """)
    void aServerAddsTheNoContextTakeoverItWants(boolean serverNo, boolean clientNo, String offers, String expected) {
        PerMessageDeflate deflate = PerMessageDeflate.builder()
                .serverNoContextTakeover(serverNo).clientNoContextTakeover(clientNo).build();
        assertEquals(expected, answer(deflate, offers));
    }

    @Test
    void aDeclinedOfferNeverFailsTheHandshake() {
        Extensions extensions = new Extensions(List.of(PerMessageDeflate.defaults()), SERVER);
        assertNull(extensions.generateResponse("permessage-deflate; server_max_window_bits=16, permessage-deflate; x=1"));
        assertEquals(List.of(), extensions.names());
    }

    @ParameterizedTest(name = "server {0}, client {1} offers {2}")
    @CsvSource(delimiter = '|', textBlock = """
            false | false | permessage-deflate; client_max_window_bits
            true  | false | permessage-deflate; server_no_context_takeover; client_max_window_bits
            false | true  | permessage-deflate; client_no_context_takeover; client_max_window_bits
            true  | true  | permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits
            """)
    void aClientOffersAnyWindowForItselfAndWhatItsOptionsAskFor(boolean serverNo, boolean clientNo, String offer) {
        PerMessageDeflate deflate = PerMessageDeflate.builder()
                .serverNoContextTakeover(serverNo).clientNoContextTakeover(clientNo).build();
        assertEquals(offer, header(deflate.createClientSession(CLIENT).generateOffer()));
    }

    @ParameterizedTest(name = "{1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            false | permessage-deflate                                    | true
            false | permessage-deflate; server_no_context_takeover        | true
            false | permessage-deflate; client_no_context_takeover        | true
            false | permessage-deflate; server_max_window_bits=8          | true
            false | permessage-deflate; server_max_window_bits=15         | true
            false | permessage-deflate; client_max_window_bits=15         | true
            false | permessage-deflate; client_max_window_bits=14         | true
            false | permessage-deflate; client_max_window_bits=8          | true
            false | permessage-deflate; client_max_window_bits            | false
            false | permessage-deflate; server_max_window_bits            | false
            false | permessage-deflate; server_max_window_bits=7          | false
            false | permessage-deflate; server_max_window_bits=16         | false
            false | permessage-deflate; server_no_context_takeover=1      | false
            false | permessage-deflate; server_no_context_takeover; server_no_context_takeover | false
            false | permessage-deflate; mux                               | false
            true  | permessage-deflate; server_no_context_takeover        | true
            true  | permessage-deflate                                    | false
            """)
    void aClientChecksTheServersResponse(boolean askServerNoTakeover, String response, boolean accepted) {
        PerMessageDeflate deflate = PerMessageDeflate.builder().serverNoContextTakeover(askServerNoTakeover).build();
        ExtensionSession session = deflate.createClientSession(CLIENT);
        session.generateOffer();
        assertEquals(accepted, session.activate(ExtensionHeader.parse(response).get(0)));
        session.close();
    }

    @Test
    void aRefusedResponseFailsTheHandshake() {
        Extensions extensions = new Extensions(List.of(PerMessageDeflate.defaults()), CLIENT);
        extensions.generateOffer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> extensions.activate("permessage-deflate; server_max_window_bits=7"));
        assertEquals("Sec-WebSocket-Extensions: the server accepted \"permessage-deflate\" with parameters the"
                + " extension rejects: \"permessage-deflate; server_max_window_bits=7\"", e.getMessage());
    }

    @Test
    void aClientAndAServerAgreeThroughTheirExtensions() {
        Extensions client = new Extensions(List.of(PerMessageDeflate.defaults()), CLIENT);
        Extensions server = new Extensions(List.of(PerMessageDeflate.defaults()), SERVER);
        String response = server.generateResponse(client.generateOffer());
        client.activate(response);
        assertEquals("permessage-deflate", response);
        assertEquals(List.of("permessage-deflate"), client.names());
        assertEquals(dev.tether.message.Message.RSV1, client.allowedRsv());
        client.close();
        server.close();
    }

    @Test
    void theBuilderRefusesBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflate.builder().level(10));
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflate.builder().level(-2));
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflate.builder().threshold(-1));
        PerMessageDeflate defaults = PerMessageDeflate.defaults();
        assertEquals(-1, defaults.level());
        assertEquals(1024, defaults.threshold());
    }
}
