package dev.tether.servlet.sse;

import java.util.Enumeration;
import java.util.Locale;

/**
 * Reads the {@code Accept} request header (RFC 9110 §12.5.1): a comma-separated list of media
 * ranges, each with optional {@code ;name=value} parameters. Several header lines count as one list.
 */
final class AcceptHeader {
    private AcceptHeader() {
    }

    /**
     * Whether {@code values} list {@code mediaType} itself (not a wildcard) with a quality above
     * zero; names compared ignoring case.
     */
    static boolean lists(Enumeration<String> values, String mediaType) {
        if (values == null) return false;
        while (values.hasMoreElements()) {
            String value = values.nextElement();
            if (value == null) continue;
            for (String range : value.split(",")) {
                if (matches(range, mediaType)) return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code values} take anything: no media range at all (no header, or empty), or a
     * wildcard ({@code *}{@code /*}, {@code text/*}) with a quality above zero.
     */
    static boolean takesAnything(Enumeration<String> values) {
        boolean anyRange = false;
        if (values != null) {
            while (values.hasMoreElements()) {
                String value = values.nextElement();
                if (value == null) continue;
                for (String range : value.split(",")) {
                    if (range.isBlank()) continue;
                    anyRange = true;
                    if (matches(range, "*/*") || matches(range, "text/*")) return true;
                }
            }
        }
        return !anyRange;
    }

    private static boolean matches(String range, String mediaType) {
        String[] parts = range.split(";");
        if (!parts[0].trim().equalsIgnoreCase(mediaType)) return false;
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("q=") && isZero(parameter.substring(2).trim())) return false;
        }
        return true;
    }

    /** {@code q=0}, {@code q=0.0}, {@code q=0.000}: "not acceptable". */
    private static boolean isZero(String quality) {
        return quality.matches("0(\\.0{0,3})?");
    }
}
