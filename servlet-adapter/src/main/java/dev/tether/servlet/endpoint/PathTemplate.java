package dev.tether.servlet.endpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A path template such as {@code /chat/{room}}: literal segments and whole-segment variables. It
 * matches paths with the same number of segments, and orders templates so that the most specific
 * (a literal segment before a variable, leftmost first) is tried first.
 */
final class PathTemplate {
    /** Most specific first: at the first segment where they differ, a literal before a variable. */
    static final Comparator<PathTemplate> MOST_SPECIFIC_FIRST = PathTemplate::compareSpecificity;

    private final String text;
    /** One entry per segment: the literal, or null where a variable stands. */
    private final List<String> literals;
    /** The variable names, in order. */
    private final List<String> variables;
    /** The segment index of each variable, in order. */
    private final int[] variableSegments;

    private PathTemplate(String text, List<String> literals, List<String> variables, int[] variableSegments) {
        this.text = text;
        this.literals = literals;
        this.variables = variables;
        this.variableSegments = variableSegments;
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming what is wrong with the template
     */
    static PathTemplate parse(String text) {
        if (text == null || !text.startsWith("/")) {
            throw new IllegalArgumentException("path template \"" + text + "\" must start with '/'");
        }
        List<String> literals = new ArrayList<>();
        List<String> variables = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> segments = segments(text);
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.startsWith("{") && segment.endsWith("}")) {
                String name = segment.substring(1, segment.length() - 1);
                if (name.isEmpty() || name.contains("{") || name.contains("}")) {
                    throw new IllegalArgumentException("path template \"" + text + "\": \"" + segment + "\" is not a variable name");
                }
                if (!seen.add(name)) {
                    throw new IllegalArgumentException("path template \"" + text + "\" uses {" + name + "} twice");
                }
                literals.add(null);
                variables.add(name);
                positions.add(i);
            } else if (segment.contains("{") || segment.contains("}")) {
                throw new IllegalArgumentException("path template \"" + text + "\": a variable must be a whole segment, not \"" + segment + "\"");
            } else if (segment.isEmpty() && i < segments.size() - 1) {
                throw new IllegalArgumentException("path template \"" + text + "\" has an empty segment");
            } else {
                literals.add(segment);
            }
        }
        return new PathTemplate(text, Collections.unmodifiableList(literals), List.copyOf(variables),
                positions.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The segments of a path that starts with '/': "/" is one empty segment, "/a/" is "a" and "". */
    static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        int start = 1;
        while (true) {
            int slash = path.indexOf('/', start);
            if (slash < 0) {
                segments.add(path.substring(start));
                return segments;
            }
            segments.add(path.substring(start, slash));
            start = slash + 1;
        }
    }

    /** The variables' values when {@code segments} (decoded) match, else null. */
    Map<String, String> match(List<String> segments) {
        if (segments.size() != literals.size()) {
            return null;
        }
        for (int i = 0; i < segments.size(); i++) {
            String literal = literals.get(i);
            if (literal != null ? !literal.equals(segments.get(i)) : segments.get(i).isEmpty()) {
                return null;
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int v = 0; v < variables.size(); v++) {
            values.put(variables.get(v), segments.get(variableSegments[v]));
        }
        return values;
    }

    List<String> variables() {
        return variables;
    }

    /** Whether both templates match exactly the same paths (they differ at most in variable names). */
    boolean sameShape(PathTemplate other) {
        return literals.equals(other.literals);
    }

    /**
     * The servlet URL pattern that covers this template: the template itself when it has no
     * variable, else its literal prefix followed by {@code /*}.
     */
    String urlPattern() {
        if (variables.isEmpty()) {
            return text;
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < variableSegments[0]; i++) {
            prefix.append('/').append(literals.get(i));
        }
        return prefix + "/*";
    }

    /** Templates of different lengths never match the same path: shorter first, only for a stable order. */
    private static int compareSpecificity(PathTemplate one, PathTemplate other) {
        List<String> literals = one.literals;
        if (literals.size() != other.literals.size()) {
            return Integer.compare(literals.size(), other.literals.size());
        }
        for (int i = 0; i < literals.size(); i++) {
            boolean mine = literals.get(i) != null;
            boolean theirs = other.literals.get(i) != null;
            if (mine != theirs) {
                return mine ? -1 : 1;
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathTemplate t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
