package dev.tether.servlet.endpoint;

import dev.tether.api.CloseStatus;
import dev.tether.api.HandshakeInfo;
import dev.tether.api.ReceiveMode;
import dev.tether.api.WebSocket;
import dev.tether.message.MessageType;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every signature rule, checked at registration, with the message that names what broke it. */
class EndpointDefinitionTest {

    @WebSocketEndpoint(value = "/chat/{room}", subprotocols = {"chat.v1"})
    public static class ChatEndpoint {
        @OnOpen
        public void open(WebSocket ws, @PathParam("room") String room) {
        }

        @OnMessage
        public String onText(String text) {
            return "echo: " + text;
        }

        @OnMessage
        public void onBinary(ByteBuffer data, WebSocket ws) {
        }

        @OnClose
        public void closed(CloseStatus status) {
        }

        @OnError
        public void failed(Throwable error) {
        }
    }

    @Test
    void theIssuesChatEndpointIsValid() {
        EndpointModel model = EndpointIntrospector.read(ChatEndpoint.class, null, handshake -> { });
        assertEquals("/chat/{room}", model.template().toString());
        assertEquals(List.of("chat.v1"), model.subprotocols());
        for (EndpointModel.Slot slot : List.of(EndpointModel.Slot.OPEN, EndpointModel.Slot.TEXT, EndpointModel.Slot.BINARY,
                EndpointModel.Slot.CLOSE, EndpointModel.Slot.ERROR)) {
            assertNotNull(model.method(slot), slot.label);
        }
        assertNull(model.method(EndpointModel.Slot.PONG));
    }

    @WebSocketEndpoint("/modes/parts-stream")
    public static class TextPartsBinaryStream {
        @OnMessage
        public String onText(String part, boolean last) {
            return part;
        }

        @OnMessage
        public void onBinary(InputStream message) {
        }
    }

    @WebSocketEndpoint("/modes/stream-parts")
    public static class TextStreamBinaryParts {
        @OnMessage
        public void onText(WebSocket socket, Reader message) {
        }

        @OnMessage
        public void onBinary(boolean last, byte[] part) {
        }
    }

    @WebSocketEndpoint("/modes/pongs")
    public static class PongsOnly {
        @OnMessage
        public void onPong(PongMessage pong) {
        }
    }

    @Test
    void eachTypeArrivesAsItsMethodTakesIt() {
        assertModes(ChatEndpoint.class, ReceiveMode.WHOLE, ReceiveMode.WHOLE);
        assertModes(TestEndpoints.Points.class, ReceiveMode.WHOLE, ReceiveMode.WHOLE); // decoders take whole messages
        assertModes(TextPartsBinaryStream.class, ReceiveMode.PARTS, ReceiveMode.STREAM);
        assertModes(TextStreamBinaryParts.class, ReceiveMode.STREAM, ReceiveMode.PARTS);
        // No method for the type: refused (1003) at the first part, never assembled.
        assertModes(PongsOnly.class, ReceiveMode.PARTS, ReceiveMode.PARTS);
    }

    private static void assertModes(Class<?> type, ReceiveMode text, ReceiveMode binary) {
        EndpointConnection connection = new EndpointConnection(EndpointIntrospector.read(type, null, handshake -> { }),
                Map.of(), null);
        assertEquals(text, connection.receiveMode(MessageType.TEXT), type.getSimpleName() + " text");
        assertEquals(binary, connection.receiveMode(MessageType.BINARY), type.getSimpleName() + " binary");
    }

    @WebSocketEndpoint("/chat/{room}")
    public static class UnknownParameter {
        @OnMessage
        public String onText(String text, int count) {
            return text;
        }
    }

    @Test
    void aParameterOfNoKnownKindIsNamedWithItsPosition() {
        assertProblems(UnknownParameter.class, "UnknownParameter.onText(String, int): parameter 2 (int) has no @PathParam "
                + "and is not a type @OnMessage accepts (WebSocket, HandshakeInfo, boolean last, and one of String, Reader, "
                + "byte[], ByteBuffer, InputStream, PongMessage or a type with a decoder)");
    }

    @WebSocketEndpoint("/chat/{room}")
    public static class PathParamProblems {
        @OnOpen
        public void open(@PathParam("rom") String room, @PathParam("room") List<String> rooms) {
        }
    }

    @Test
    void pathParametersMustNameAVariableAndHaveAConvertibleType() {
        assertProblems(PathParamProblems.class,
                "PathParamProblems.open(String, List): parameter 1 (@PathParam(\"rom\") String) names {rom}, but the path "
                        + "template /chat/{room} has only {room}",
                "PathParamProblems.open(String, List): parameter 2 (@PathParam(\"room\") List) cannot take a path value: "
                        + "use String, a primitive, a boxed primitive or an enum");
    }

    @WebSocketEndpoint("/twice")
    public static class TwoTextHandlers {
        @OnMessage
        public void a(String text) {
        }

        @OnMessage
        public void b(Reader text, WebSocket socket) {
        }
    }

    @Test
    void oneMethodPerKindOfMessage() {
        assertProblems(TwoTextHandlers.class, "TwoTextHandlers.b(Reader, WebSocket): a second @OnMessage for text method; "
                + "TwoTextHandlers.a(String) is one already");
    }

    @WebSocketEndpoint("/shape")
    public static class WrongShapes {
        @OnOpen
        public String open() {
            return "";
        }

        @OnError
        public void error(WebSocket socket) {
        }

        @OnMessage
        public void nothing(WebSocket socket) {
        }

        @OnClose
        public static void closed() {
        }

        @OnMessage
        void hidden(ByteBuffer data) {
        }
    }

    @Test
    void returnTypesRequiredParametersStaticAndVisibility() {
        assertProblems(WrongShapes.class,
                "WrongShapes.hidden(ByteBuffer): @OnMessage methods must be public",
                "WrongShapes.closed(): @OnClose methods must not be static",
                "WrongShapes.error(WebSocket): @OnError methods need a Throwable parameter",
                "WrongShapes.nothing(WebSocket): @OnMessage methods need one message parameter: String, Reader, byte[], "
                        + "ByteBuffer, InputStream, PongMessage or a type with a decoder",
                "WrongShapes.open(): @OnOpen methods must return void, not String");
    }

    public record Point(int x, int y) {
    }

    @WebSocketEndpoint("/points")
    public static class NoEncoder {
        @OnMessage
        public Point onBinary(byte[] data) {
            return new Point(1, 2);
        }

        @OnMessage
        public void onText(Reader reader, boolean last) {
        }
    }

    @Test
    void returnTypesNeedAnEncoderAndTheLastFlagNeedsAWholeMessageType() {
        assertProblems(NoEncoder.class,
                "NoEncoder.onBinary(byte[]): returns Point, which has no encoder: return void, String, byte[], ByteBuffer or "
                        + "a primitive, or list a TextEncoder<Point> or BinaryEncoder<Point> in @WebSocketEndpoint(encoders)",
                "NoEncoder.onText(Reader, boolean): parameter 2 (boolean) is a last-part flag, which goes only with a "
                        + "String, byte[] or ByteBuffer message, not Reader");
    }

    public static class GenericDecoder<T> implements TextDecoder<T> {
        @Override
        public T decode(String text) {
            return null;
        }
    }

    public static class NotACodec {
    }

    @WebSocketEndpoint(value = "/chat/{room", decoders = {NotACodec.class, GenericDecoder.class}, subprotocols = {"bad protocol"})
    static class BadClass {
        BadClass(int unused) {
        }

        @OnMessage
        public void onText(String text) {
        }
    }

    @Test
    void classLevelProblemsAreAllReportedTogether() {
        assertProblems(BadClass.class,
                "BadClass must be public",
                "@WebSocketEndpoint on BadClass: path template \"/chat/{room\": a variable must be a whole segment, not \"{room\"",
                "@WebSocketEndpoint on BadClass: subprotocol \"bad protocol\" is not an HTTP token",
                "BadClass has no public no-arg constructor, and its configurator does not override newInstance to supply instances",
                "decoder " + NotACodec.class.getName() + " implements neither TextDecoder nor BinaryDecoder",
                "decoder " + GenericDecoder.class.getName() + ": cannot tell which type it handles; implement "
                        + "TextDecoder<YourType> with a concrete type");
    }

    public static class Nothing {
        @OnOpen
        public void open() {
        }
    }

    @WebSocketEndpoint("/empty")
    public static class NoMethods {
    }

    @Test
    void theAnnotationAndAtLeastOneMethodAreRequired() {
        assertProblems(Nothing.class, "Nothing has no @WebSocketEndpoint annotation");
        assertProblems(NoMethods.class, "NoMethods has no @OnOpen, @OnMessage, @OnClose or @OnError method");
    }

    @WebSocketEndpoint("/both")
    public static class TwoAnnotations {
        @OnOpen
        @OnClose
        public void both(HandshakeInfo handshake) {
        }
    }

    @Test
    void aMethodHandlesOneEvent() {
        assertProblems(TwoAnnotations.class, "TwoAnnotations.both(HandshakeInfo): has @OnOpen and @OnClose; a method handles one event");
    }

    /** Takes the requests that offer no chat.v1: allowed beside ChatEndpoint. */
    @WebSocketEndpoint("/chat/{name}")
    public static class SameRequests {
        @OnMessage
        public void onText(String text) {
        }
    }

    @Test
    void twoEndpointsMayNotServeTheSameRequests() {
        EndpointDefinitionException e = assertThrows(EndpointDefinitionException.class,
                () -> new EndpointServlet(ChatEndpoint.class, SameRequests.class, SameSubprotocol.class));
        assertEquals(List.of("SameSubprotocol at /chat/{room} [chat.v1] would serve the same requests as "
                + ChatEndpoint.class.getName() + " at /chat/{room} [chat.v1]"), e.problems());
    }

    @WebSocketEndpoint(value = "/chat/{room}", subprotocols = {"chat.v1"})
    public static class SameSubprotocol {
        @OnMessage
        public void onText(String text) {
        }
    }

    private static void assertProblems(Class<?> type, String... expected) {
        EndpointDefinitionException e = assertThrows(EndpointDefinitionException.class, () -> new EndpointServlet(type));
        assertEquals(type, e.endpointClass());
        assertEquals(List.of(expected), e.problems(), e.getMessage());
    }
}
