package dev.tether.servlet.endpoint;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.ReadyState;
import dev.tether.api.ReceiveMode;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.message.MessageType;
import dev.tether.servlet.HandshakeContext;
import dev.tether.servlet.endpoint.EndpointModel.Slot;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * One connection to an annotated endpoint: the {@link WebSocketListener} that owns the endpoint
 * instance and calls its methods. Made by the router for a handshake, prepared by
 * {@link #handshake} (instance, path values) before the upgrade, bound to its socket at the first
 * event. The connection delivers events one at a time (a message read as a stream on an
 * application thread holds the next ones back until its method returns), so no state here is
 * shared between threads at once.
 *
 * <p>Each message type arrives as its {@code @OnMessage} method takes it ({@link #receiveMode}):
 * whole, in parts (a method with a last-part flag) or as a stream ({@code Reader},
 * {@code InputStream}).
 */
final class EndpointConnection implements WebSocketListener {
    private static final System.Logger LOG = System.getLogger(EndpointConnection.class.getName());
    private static final Slot[] SLOTS = Slot.values();

    private final EndpointModel model;
    private final Map<String, String> pathValues;
    private final String protocol;
    private Object instance;
    private Object[][] converted;
    /** Per slot, the method bound to this connection ({@link EndpointMethod#CALL}), or null. */
    private MethodHandle[] handles;

    EndpointConnection(EndpointModel model, Map<String, String> pathValues, String protocol) {
        this.model = model;
        this.pathValues = pathValues;
        this.protocol = protocol;
    }

    /**
     * Runs while the handshake is answered: selects the routed subprotocol, converts the path
     * values (400 when one does not convert), lets the configurator check the request, and gets
     * the endpoint instance. An exception refuses the handshake with 500.
     */
    void handshake(HandshakeContext context) throws Exception {
        if (protocol != null) {
            context.selectProtocol(protocol);
        }
        Object[][] values = new Object[SLOTS.length][];
        try {
            for (Slot slot : SLOTS) {
                EndpointMethod method = model.method(slot);
                values[slot.ordinal()] = method == null ? null : method.pathValues(pathValues);
            }
        } catch (IllegalArgumentException e) {
            context.reject(400, e.getMessage());
            return;
        }
        EndpointHandshake handshake = new EndpointHandshake(context, model.type(), pathValues, protocol);
        EndpointConfigurator configurator = model.configurator();
        configurator.beforeHandshake(handshake);
        if (handshake.rejected()) {
            return;
        }
        Object made = configurator.newInstance(model.type(), handshake);
        if (!model.type().isInstance(made)) {
            throw new IllegalStateException("configurator " + configurator.getClass().getName() + " returned "
                    + (made == null ? "null" : "a " + made.getClass().getName()) + " for " + model.type().getName());
        }
        this.instance = made;
        this.converted = values;
    }

    @Override
    public void onOpen(WebSocket socket) {
        call(socket, Slot.OPEN, null, false);
    }

    /**
     * As the type's method takes its messages. A type the endpoint has no method for comes in parts,
     * so that its first part is refused (1003) without the message being assembled first.
     */
    @Override
    public ReceiveMode receiveMode(MessageType type) {
        EndpointMethod method = model.method(type == MessageType.TEXT ? Slot.TEXT : Slot.BINARY);
        return method == null ? ReceiveMode.PARTS : method.mode();
    }

    @Override
    public void onText(WebSocket socket, String text) {
        message(socket, Slot.TEXT, text, true);
    }

    @Override
    public void onBinary(WebSocket socket, ByteBuffer data) {
        message(socket, Slot.BINARY, data, true);
    }

    @Override
    public void onTextPart(WebSocket socket, CharSequence text, boolean last) {
        message(socket, Slot.TEXT, text.toString(), last);
    }

    @Override
    public void onBinaryPart(WebSocket socket, ByteBuffer data, boolean last) {
        message(socket, Slot.BINARY, data, last);
    }

    @Override
    public void onTextStream(WebSocket socket, Reader message) throws IOException {
        WatchedStream.Characters watched = new WatchedStream.Characters(message);
        stream(socket, Slot.TEXT, watched, watched);
    }

    @Override
    public void onBinaryStream(WebSocket socket, InputStream message) throws IOException {
        WatchedStream.Bytes watched = new WatchedStream.Bytes(message);
        stream(socket, Slot.BINARY, watched, watched);
    }

    @Override
    public void onPong(WebSocket socket, ByteBuffer payload) {
        if (bind(socket)[Slot.PONG.ordinal()] != null) {
            message(socket, Slot.PONG, payload, true);
        }
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
        if (bind(socket)[Slot.ERROR.ordinal()] != null) {
            callOnError(socket, error);
        } else {
            LOG.log(System.Logger.Level.DEBUG, () -> model.type().getName() + " connection failed; it has no @OnError", error);
        }
    }

    @Override
    public void onClose(WebSocket socket, CloseStatus status) {
        call(socket, Slot.CLOSE, status, false);
        instance = null; // the connection is over: let the endpoint go even if the socket lingers
        handles = new MethodHandle[SLOTS.length];
    }

    /**
     * A message, or the next part of one, for {@code slot}: adapted (decoded), handed to its method
     * with {@code last}, the result sent back (each part's, for a method that takes parts).
     */
    private void message(WebSocket socket, Slot slot, Object raw, boolean last) {
        MethodHandle handle = bind(socket)[slot.ordinal()];
        if (handle == null) {
            if (socket.readyState() == ReadyState.OPEN) { // the parts after the first find it closing
                // RFC 6455 §7.4.1: 1003 is for an endpoint that cannot accept this type of data.
                socket.close(CloseCodes.UNSUPPORTED_DATA, model.type().getSimpleName() + " takes no "
                        + (slot == Slot.TEXT ? "text" : "binary") + " messages");
            }
            return;
        }
        EndpointMethod method = model.method(slot);
        Object message;
        try {
            message = method.adapter().adapt(raw);
        } catch (DecodeException e) {
            refuse(socket, e);
            return;
        }
        reply(socket, method, call(socket, slot, message, last));
    }

    /**
     * A message read as a stream, on an application thread: the method reads {@code input} as it
     * likes, and its result is sent back when it returns. An {@code IOException} the stream threw
     * that the method lets through is rethrown as it is, for the connection to judge: when the
     * connection ends (or starts closing) before the message does, reading fails with an exception
     * the connection recognises as its own and reports as nothing but the close that follows; any
     * other failure of the stream it reports to {@link #onError} (so to {@code @OnError}) and
     * closes with 1011. The method's own exceptions go to {@code @OnError} from here, as from every
     * method.
     */
    private void stream(WebSocket socket, Slot slot, Object input, WatchedStream watched) throws IOException {
        MethodHandle handle = bind(socket)[slot.ordinal()]; // never null: only a type with a method is streamed
        Object result;
        try {
            result = (Object) handle.invokeExact(input, true);
        } catch (Throwable t) {
            if (t instanceof IOException e && e == watched.thrown()) {
                throw e;
            }
            failed(socket, model.method(slot), t);
            return;
        }
        reply(socket, model.method(slot), result);
    }

    /** Sends back what a message method returned, unless null. */
    private void reply(WebSocket socket, EndpointMethod method, Object result) {
        if (result != null) {
            try {
                method.returns().send(socket, result).whenComplete(EndpointConnection::logSendFailure);
            } catch (Exception e) {
                failed(socket, method, e);
            }
        }
    }

    /** A message the decoder refused: {@code @OnError} hears of it, then the connection closes with 1007. */
    private void refuse(WebSocket socket, DecodeException e) {
        if (handles[Slot.ERROR.ordinal()] != null) {
            callOnError(socket, e);
        } else {
            LOG.log(System.Logger.Level.INFO, () -> model.type().getName() + ": " + e.getMessage() + "; closing with 1007");
        }
        if (socket.readyState() == ReadyState.OPEN) {
            socket.close(CloseCodes.INVALID_PAYLOAD, "message could not be decoded");
        }
    }

    /** Calls the method for {@code slot}, if there is one; a failure goes to {@code @OnError}. */
    private Object call(WebSocket socket, Slot slot, Object event, boolean last) {
        MethodHandle handle = bind(socket)[slot.ordinal()];
        if (handle == null) {
            return null;
        }
        try {
            return (Object) handle.invokeExact(event, last);
        } catch (Throwable t) {
            failed(socket, model.method(slot), t);
            return null;
        }
    }

    /** An endpoint method threw: {@code @OnError} gets it; without one it is logged and the connection closed with 1011. */
    private void failed(WebSocket socket, EndpointMethod method, Throwable t) {
        rethrowFatal(t);
        if (handles[Slot.ERROR.ordinal()] != null && method != model.method(Slot.ERROR)) {
            callOnError(socket, t);
            return;
        }
        LOG.log(System.Logger.Level.WARNING, () -> method + " failed; closing the connection with 1011", t);
        closeInternalError(socket);
    }

    private void callOnError(WebSocket socket, Throwable error) {
        try {
            Object ignored = (Object) handles[Slot.ERROR.ordinal()].invokeExact((Object) error, false);
        } catch (Throwable again) {
            rethrowFatal(again);
            again.addSuppressed(error);
            LOG.log(System.Logger.Level.WARNING, () -> model.method(Slot.ERROR) + " failed; closing the connection with 1011", again);
            closeInternalError(socket);
        }
    }

    /** The bound handles, made at the first event: the instance, its path values, the socket and its handshake fixed. */
    private MethodHandle[] bind(WebSocket socket) {
        if (handles == null) {
            MethodHandle[] bound = new MethodHandle[SLOTS.length];
            for (Slot slot : SLOTS) {
                EndpointMethod method = model.method(slot);
                if (method != null) {
                    bound[slot.ordinal()] = method.bind(instance, converted[slot.ordinal()], socket);
                }
            }
            handles = bound;
        }
        return handles;
    }

    private static void closeInternalError(WebSocket socket) {
        ReadyState state = socket.readyState();
        if (state == ReadyState.OPEN || state == ReadyState.CONNECTING) {
            socket.close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    private static void logSendFailure(Void ignored, Throwable failure) {
        if (failure != null) {
            LOG.log(System.Logger.Level.DEBUG, "a return value of an endpoint method was not sent", failure);
        }
    }
}
