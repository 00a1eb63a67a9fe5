package dev.tether.cli.format;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PrintableTest {
    static Stream<Arguments> vectors() {
        return Stream.of(
                arguments("ESC starts a CSI sequence", "\u001b[2Jx", "\\e[2Jx"),
                arguments("BEL rings, CR returns", "a\u0007b\rc", "a\\x07b\\rc"),
                arguments("NUL", "a\u0000b", "a\\0b"),
                arguments("DEL, and a C1 CSI", "\u007f\u009b31m", "\\x7f\\x9b31m"),
                arguments("a bidirectional override", "abc\u202edcba", "abc\\u202edcba"),
                arguments("an isolate", "\u2066x\u2069", "\\u2066x\\u2069"),
                arguments("line feeds and tabs stay", "a\nb\tc", "a\nb\tc"),
                arguments("letters of any script stay", "wörld ✓ 日本", "wörld ✓ 日本"));
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("control characters from the network are shown as escapes; text, line feeds and tabs stay")
    @MethodSource("vectors")
    void escapes(String what, String text, String shown) {
        assertEquals(shown, Printable.escape(text), what);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @DisplayName("safe text is returned as it is, not copied")
    @ValueSource(strings = {"hello", ""})
    void safeTextIsNotCopied(String text) {
        assertSame(text, Printable.escape(text));
    }
}
