package dev.tether.servlet.endpoint;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds the annotated methods of an endpoint class, in a stable order, and applies the rules every
 * handler method shares (public, not static, one annotation) before handing it to the
 * {@link HandlerBinder}. Names each method in problems as {@code ChatEndpoint.onText(String, int)}.
 */
final class HandlerScanner {
    private final Class<?> type;
    private final String name;
    private final HandlerBinder binder;
    private final List<String> problems;

    HandlerScanner(Class<?> type, HandlerBinder binder, List<String> problems) {
        this.type = type;
        this.name = type.getSimpleName();
        this.binder = binder;
        this.problems = problems;
    }

    /** Scans the class and its superclasses; returns whether any public method carries one of our annotations. */
    boolean scan() {
        checkNonPublicMethods();
        Method[] candidates = type.getMethods();
        Arrays.sort(candidates, Comparator.comparing(HandlerScanner::describeForSort));
        boolean any = false;
        for (Method method : candidates) {
            if (!method.isBridge() && !method.isSynthetic()) {
                any |= readMethod(method);
            }
        }
        return any;
    }

    private void checkNonPublicMethods() {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                List<HandlerKind> kinds = Modifier.isPublic(method.getModifiers()) ? List.of() : HandlerKind.on(method);
                if (!kinds.isEmpty()) {
                    problems.add(describe(method) + ": " + kinds.get(0).label + " methods must be public");
                }
            }
        }
    }

    /** Reads one public method; returns whether it carries one of our annotations. */
    private boolean readMethod(Method method) {
        List<HandlerKind> kinds = HandlerKind.on(method);
        if (kinds.isEmpty()) {
            return false;
        }
        String where = describe(method);
        if (kinds.size() > 1) {
            problems.add(where + ": has " + kinds.stream().map(kind -> kind.label).collect(Collectors.joining(" and "))
                    + "; a method handles one event");
            return true;
        }
        HandlerKind kind = kinds.get(0);
        if (Modifier.isStatic(method.getModifiers())) {
            problems.add(where + ": " + kind.label + " methods must not be static");
            return true;
        }
        binder.bind(method, where, kind);
        return true;
    }

    /** {@code ChatEndpoint.onText(String, int)}: how problems name a method. */
    private String describe(Method method) {
        return name + "." + method.getName() + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
    }

    private static String describeForSort(Method method) {
        return method.getName() + Arrays.toString(method.getParameterTypes());
    }
}
