package dev.tether.servlet.endpoint;

import java.util.List;

/**
 * An endpoint class that cannot be served, reported when it is registered: every rule it breaks is
 * listed, one line each, naming the class, the method, the parameter and the rule.
 */
public final class EndpointDefinitionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Class<?> endpointClass;
    private final transient List<String> problems;

    EndpointDefinitionException(Class<?> endpointClass, List<String> problems) {
        super(endpointClass.getName() + " is not a valid WebSocket endpoint:\n  " + String.join("\n  ", problems));
        this.endpointClass = endpointClass;
        this.problems = List.copyOf(problems);
    }

    /**
     * The class that was refused.
     *
     * @return the endpoint class that cannot be served
     */
    public Class<?> endpointClass() {
        return endpointClass;
    }

    /**
     * What is wrong with it, one rule broken per entry.
     *
     * @return the problems, at least one; unmodifiable
     */
    public List<String> problems() {
        return problems;
    }
}
