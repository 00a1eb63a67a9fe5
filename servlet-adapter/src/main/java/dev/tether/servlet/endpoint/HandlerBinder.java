package dev.tether.servlet.endpoint;

import dev.tether.api.ReceiveMode;
import dev.tether.servlet.endpoint.EndpointModel.Slot;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Binds the handler methods of one endpoint into their {@link Slot}s, one method a slot: checks
 * each signature against its {@link HandlerKind} and adapts its handle into an {@link EndpointMethod}.
 * Problems go to the endpoint's list; once there is one, no more handles are built.
 */
final class HandlerBinder {
    private final Class<?> type;
    private final PathTemplate template;
    private final MessageTypes messageTypes;
    private final List<String> problems;
    private final EndpointMethod[] methods = new EndpointMethod[Slot.values().length];
    /** How problems name the method in each slot, for the one that comes second. */
    private final String[] owners = new String[Slot.values().length];

    /** @param template the endpoint's path template, or null when it did not parse */
    HandlerBinder(Class<?> type, PathTemplate template, MessageTypes messageTypes, List<String> problems) {
        this.type = type;
        this.template = template;
        this.messageTypes = messageTypes;
        this.problems = problems;
    }

    /** The methods bound, by slot ordinal; null where the endpoint has none. */
    EndpointMethod[] methods() {
        return methods;
    }

    /** Checks and binds the public instance method {@code method}, named {@code where} in problems. */
    void bind(Method method, String where, HandlerKind kind) {
        Class<?> result = method.getReturnType();
        if (kind != HandlerKind.MESSAGE && result != void.class) {
            problems.add(where + ": " + kind.label + " methods must return void, not " + result.getSimpleName());
        }
        HandlerParameters parameters = new HandlerParameters(method, where, kind, template, messageTypes, problems);
        Slot slot = null;
        MessageAdapter adapter = MessageAdapter.IDENTITY;
        ReceiveMode mode = ReceiveMode.WHOLE;
        ReturnSender returns = null;
        switch (kind) {
            case OPEN -> slot = Slot.OPEN;
            case CLOSE -> slot = Slot.CLOSE;
            case ERROR -> {
                slot = Slot.ERROR;
                if (parameters.event() < 0) {
                    problems.add(where + ": @OnError methods need a Throwable parameter");
                }
            }
            case MESSAGE -> {
                int event = parameters.event();
                if (event < 0) {
                    problems.add(where + ": @OnMessage methods need one message parameter: " + MessageTypes.ACCEPTED);
                } else {
                    Class<?> message = parameters.types()[event];
                    slot = messageTypes.slot(message, where, event);
                    adapter = messageTypes.adapter(message);
                    checkLastFlag(parameters.last(), message, where);
                    mode = MessageTypes.receiveMode(message, parameters.last() >= 0);
                }
                returns = messageTypes.sender(result, where);
            }
        }
        if (slot == null || !claim(slot, where) || !problems.isEmpty()) {
            return; // the class is refused anyway: no handle to build
        }
        MethodHandle direct;
        try {
            direct = MethodHandles.publicLookup().findVirtual(type, method.getName(),
                    MethodType.methodType(result, parameters.types()));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            problems.add(where + ": cannot be called from Tether: " + e.getMessage());
            return;
        }
        methods[slot.ordinal()] = parameters.adapt(direct, adapter, mode, returns);
    }

    private void checkLastFlag(int last, Class<?> message, String where) {
        if (last >= 0 && !MessageTypes.takesParts(message)) {
            problems.add(where + ": parameter " + (last + 1) + " (boolean) is a last-part flag, which goes only with a "
                    + "String, byte[] or ByteBuffer message, not " + message.getSimpleName());
        }
    }

    /** Gives {@code slot} to the method named {@code where}; false, with a problem, when another has it. */
    private boolean claim(Slot slot, String where) {
        String owner = owners[slot.ordinal()];
        if (owner != null) {
            problems.add(where + ": a second " + slot.label + " method; " + owner + " is one already");
            return false;
        }
        owners[slot.ordinal()] = where;
        return true;
    }
}
