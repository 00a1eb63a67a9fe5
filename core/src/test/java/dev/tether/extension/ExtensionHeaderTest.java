package dev.tether.extension;

import dev.tether.extension.ExtensionParams.Param;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static dev.tether.extension.ExtensionParams.Param.flag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtensionHeaderTest {

    private static ExtensionParams ext(String name, Param... params) {
        return ExtensionParams.of(name, params);
    }

    private static Param param(String name, String value) {
        return new Param(name, value);
    }

    private static String parseError(String header) {
        return assertThrows(IllegalArgumentException.class, () -> ExtensionHeader.parse(header)).getMessage();
    }

    @Nested
    class Parsing {

        @Test
        void aSingleName() {
            assertEquals(List.of(ext("a")), ExtensionHeader.parse("a"));
        }

        @Test
        void severalNamesInHeaderOrder() {
            assertEquals(List.of(ext("a"), ext("b")), ExtensionHeader.parse("a, b"));
        }

        @Test
        void theSameNameTwiceIsTwoElements() {
            assertEquals(List.of(ext("a"), ext("a")), ExtensionHeader.parse("a, a"));
        }

        @Test
        void aParameterWithoutValueIsAFlag() {
            assertEquals(List.of(ext("a", flag("b"))), ExtensionHeader.parse("a; b"));
        }

        @Test
        void aTokenValue() {
            assertEquals(List.of(ext("a", param("b", "1"))), ExtensionHeader.parse("a; b=1"));
        }

        @Test
        void aQuotedValueIsUnquoted() {
            assertEquals(List.of(ext("a", param("b", "hi"))), ExtensionHeader.parse("a; b=\"hi\""));
        }

        @Test
        void aQuotedValueIsUnescaped() {
            assertEquals(List.of(ext("a", param("b", "x-y.z"))), ExtensionHeader.parse("a; b=\"x\\-y\\.\\z\""));
        }

        @Test
        void severalParametersKeepTheirOrder() {
            assertEquals(List.of(ext("a", flag("b"), param("c", "1"), param("d", "hi"))),
                    ExtensionHeader.parse("a; b; c=1; d=\"hi\""));
        }

        @Test
        void repeatedParametersAreAllKept() {
            ExtensionParams element = ExtensionHeader.parse("a; b; c=1; b=\"hi\"").get(0);

            assertEquals(List.of(flag("b"), param("c", "1"), param("b", "hi")), element.params());
            assertEquals(List.of(flag("b"), param("b", "hi")), element.paramsNamed("b"));
        }

        @Test
        void severalComplexOffers() {
            assertEquals(List.of(
                            ext("a", param("b", "1")),
                            ext("c"),
                            ext("b", flag("d")),
                            ext("c", param("e", "hi"), flag("e")),
                            ext("a", flag("b"))),
                    ExtensionHeader.parse("a; b=1, c, b; d, c; e=\"hi\"; e, a; b"));
        }

        @Test
        void namesThatMeanSomethingElsewhereAreJustNames() {
            assertEquals(List.of(ext("hasOwnProperty", flag("toString"))),
                    ExtensionHeader.parse("hasOwnProperty; toString"));
        }

        @Test
        void everyTokenCharacterIsAllowedInNamesAndValues() {
            String tchars = "!#$%&'*+-.^_`|~09azAZ";

            assertEquals(List.of(ext(tchars, param(tchars, tchars))),
                    ExtensionHeader.parse(tchars + ";" + tchars + "=" + tchars));
        }

        @Test
        void whitespaceIsAllowedAroundEverySeparator() {
            assertEquals(List.of(ext("a", param("b", "1"), flag("c"), param("d", "x")), ext("e")),
                    ExtensionHeader.parse(" \ta \t; \tb \t= \t1 ;c;d=\"x\"\t , \te\t "));
        }

        @Test
        void noWhitespaceIsNeededEither() {
            assertEquals(List.of(ext("a", param("b", "1"), flag("c")), ext("d")),
                    ExtensionHeader.parse("a;b=1;c,d"));
        }

        @Test
        void emptyListElementsAreSkipped() {
            assertEquals(List.of(ext("a"), ext("b")), ExtensionHeader.parse(", a, , ,b,"));
        }

        @Test
        void linesJoinedByTheCallerParseAsOneList() {
            assertEquals(List.of(ext("a", flag("x")), ext("b")), ExtensionHeader.parse("a; x" + ", " + "b"));
        }
    }

    @Nested
    class Rejecting {

        @Test
        void anEmptyHeader() {
            assertEquals("Sec-WebSocket-Extensions: expected at least one extension at offset 0,"
                    + " found end of header, in \"\"", parseError(""));
        }

        @ParameterizedTest
        @ValueSource(strings = {" ", ",", " , ,\t"})
        void aHeaderWithoutElements(String header) {
            assertTrue(parseError(header).contains("expected at least one extension"));
        }

        @Test
        void aSemicolonWithoutParameter() {
            assertEquals("Sec-WebSocket-Extensions: expected a parameter name (a token) at offset 2,"
                    + " found end of header, in \"a;\"", parseError("a;"));
        }

        @Test
        void anEqualsSignWithoutValue() {
            assertEquals("Sec-WebSocket-Extensions: expected a parameter value (a token) at offset 4,"
                    + " found end of header, in \"a;b=\"", parseError("a;b="));
        }

        @Test
        void anEqualsSignFollowedByTheNextParameter() {
            assertEquals("Sec-WebSocket-Extensions: expected a parameter value (a token) at offset 7,"
                    + " found ';', in \"a; b = ; c\"", parseError("a; b = ; c"));
        }

        @Test
        void anUnterminatedQuotedString() {
            assertEquals("Sec-WebSocket-Extensions: unterminated quoted-string at offset 5,"
                    + " found '\"', in \"a; b=\\\"unterminated\"", parseError("a; b=\"unterminated"));
        }

        @Test
        void aQuotedStringEndingInABackslash() {
            assertTrue(parseError("a; b=\"x\\").contains("unterminated quoted-string at offset 5"));
        }

        @Test
        void aQuotedValueThatIsNotATokenOnceUnquoted() {
            assertEquals("Sec-WebSocket-Extensions: quoted parameter value \"hi, \\\"there\" is not a token,"
                    + " at offset 5, in \"a; b=\\\"hi, \\\\\\\"there\\\"\"", parseError("a; b=\"hi, \\\"there\""));
        }

        @Test
        void anEmptyQuotedValue() {
            assertTrue(parseError("a; b=\"\"").contains("quoted parameter value \"\" is not a token"));
        }

        @Test
        void aControlCharacterInAQuotedString() {
            assertEquals("Sec-WebSocket-Extensions: invalid character in a quoted-string at offset 7,"
                    + " found U+0000, in \"a; b=\\\"x\\u0000\\\"\"", parseError("a; b=\"x\0\""));
        }

        @Test
        void aQuotedExtensionName() {
            assertEquals("Sec-WebSocket-Extensions: expected an extension name (a token) at offset 0,"
                    + " found '\"', in \"\\\"a\\\"\"", parseError("\"a\""));
        }

        @Test
        void aQuotedParameterName() {
            assertTrue(parseError("a; \"b\"=1").contains("expected a parameter name (a token) at offset 3"));
        }

        @Test
        void aMissingNameBeforeParameters() {
            assertTrue(parseError("a, ; b").contains("expected an extension name (a token) at offset 3"));
        }

        @Test
        void twoNamesWithoutComma() {
            assertEquals("Sec-WebSocket-Extensions: expected ',' or ';' after an extension at offset 2,"
                    + " found 'b', in \"a b\"", parseError("a b"));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "a/b      | 1 | expected ',' or ';' after an extension",
                "a; b=c=d | 6 | expected ',' or ';' after an extension",
                "a; b=(c) | 5 | expected a parameter value (a token)",
                "a; b@    | 4 | expected ',' or ';' after an extension",
                "a; =1    | 3 | expected a parameter name (a token)",
                "ü        | 0 | expected an extension name (a token)",
        })
        void badCharacters(String header, int offset, String problem) {
            assertTrue(parseError(header).startsWith("Sec-WebSocket-Extensions: " + problem + " at offset " + offset),
                    parseError(header));
        }

        @Test
        void controlCharactersAreShownEscapedInTheMessage() {
            assertTrue(parseError("a\r\nX-Injected: 1").contains("found U+000D, in \"a\\u000D\\u000AX-Injected: 1\""));
        }

        @Test
        void messagesAboutLongHeadersShowOnlyTheTextAroundTheOffset() {
            String message = parseError("a".repeat(10_000) + " b" + "c".repeat(10_000));

            assertTrue(message.startsWith("Sec-WebSocket-Extensions: expected ',' or ';' after an extension"
                    + " at offset 10001, found 'b', in ...\""), message);
            assertTrue(message.length() < 200, message);
        }
    }

    @Nested
    class Serializing {

        @Test
        void aNameAlone() {
            assertEquals("a", ExtensionHeader.serialize(List.of(ext("a"))));
        }

        @Test
        void flagsAndTokenValues() {
            assertEquals("a; b; c=1; d=hi", ExtensionHeader.serialize(List.of(
                    ext("a", flag("b"), param("c", "1"), param("d", "hi")))));
        }

        @Test
        void repeatedParametersInOrder() {
            assertEquals("a; b; b=hi; c=1", ExtensionHeader.serialize(List.of(
                    ext("a", flag("b"), param("b", "hi"), param("c", "1")))));
        }

        @Test
        void severalElementsJoinedByCommas() {
            assertEquals("a; b=1, c, a", ExtensionHeader.serialize(List.of(
                    ext("a", param("b", "1")), ext("c"), ext("a"))));
        }

        @Test
        void valuesThatAreNotTokensAreQuotedAndEscaped() {
            assertEquals("a; b=\"hi, there\"; c=\"say \\\"\\\\o/\\\"\"; d=\"\"", ExtensionHeader.serialize(List.of(
                    ext("a", param("b", "hi, there"), param("c", "say \"\\o/\""), param("d", "")))));
        }

        @Test
        void parsingWhatWasSerializedGivesItBack() {
            List<ExtensionParams> elements = List.of(
                    ext("permessage-deflate", param("client_max_window_bits", "10"), flag("server_no_context_takeover")),
                    ext("x-webkit-deflate-frame"),
                    ext("a", flag("b"), param("b", "c"), param("!#$", "~|`")));

            assertEquals(elements, ExtensionHeader.parse(ExtensionHeader.serialize(elements)));
        }

        @Test
        void serializingWhatWasParsedNormalisesSpacingAndQuotes() {
            String header = "a;b=\"1\" ;c ,  d";

            assertEquals("a; b=1; c, d", ExtensionHeader.serialize(ExtensionHeader.parse(header)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "a b", "\"a\"", "a,b", "é"})
        void namesMustBeTokens(String name) {
            assertThrows(IllegalArgumentException.class, () -> ExtensionHeader.serialize(List.of(ext(name))));
            assertThrows(IllegalArgumentException.class,
                    () -> ExtensionHeader.serialize(List.of(ext("a", flag(name)))));
        }

        @Test
        void valuesMustFitInAQuotedString() {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> ExtensionHeader.serialize(List.of(ext("a", param("b", "x\ny"))))).getMessage();

            assertEquals("Sec-WebSocket-Extensions: character U+000A cannot be written in a quoted-string:"
                    + " \"x\\u000Ay\"", message);
        }

        @Test
        void anEmptyListIsNotAHeader() {
            assertThrows(IllegalArgumentException.class, () -> ExtensionHeader.serialize(List.of()));
        }
    }

    @Nested
    class Grouping {

        @Test
        void byNameInOrderOfFirstAppearanceWithOffersInHeaderOrder() {
            Map<String, List<ExtensionParams>> groups =
                    ExtensionHeader.groupByName(ExtensionHeader.parse("b; x=1, a, b; x=2, c, a; y"));

            assertEquals(List.of("b", "a", "c"), List.copyOf(groups.keySet()));
            assertEquals(List.of(ext("b", param("x", "1")), ext("b", param("x", "2"))), groups.get("b"));
            assertEquals(List.of(ext("a"), ext("a", flag("y"))), groups.get("a"));
            assertEquals(List.of(ext("c")), groups.get("c"));
        }
    }

    @Nested
    class Params {

        @Test
        void lookUpByName() {
            ExtensionParams element = ext("a", flag("f"), param("v", "1"), param("v", "2"));

            assertTrue(element.has("f"));
            assertTrue(element.has("v"));
            assertFalse(element.has("x"));
            assertNull(element.value("f"));
            assertNull(element.value("x"));
            assertEquals("1", element.value("v"));
            assertEquals(List.of(param("v", "1"), param("v", "2")), element.paramsNamed("v"));
            assertEquals(List.of(), element.paramsNamed("x"));
            assertTrue(element.params().get(0).isFlag());
        }
    }

    /** Hostile headers: each must finish quickly; the timeouts only guard against a hang. */
    @Nested
    @Timeout(5)
    class HostileInput {

        @Test
        void aMegabyteOfBackslashPairsInAnUnclosedQuotedString() {
            String header = "a; b=\"" + "\\\\".repeat(512 * 1024);

            assertTrue(parseError(header).contains("unterminated quoted-string at offset 5"));
        }

        @Test
        void theCveReproducerWithEscapedLetters() {
            String header = "foo; bar=\"fooa" + "\\a".repeat(500_000);

            assertTrue(parseError(header).contains("unterminated quoted-string"));
        }

        @Test
        void aHundredThousandParameters() {
            String header = "a" + "; p=1".repeat(100_000);

            assertEquals(100_000, ExtensionHeader.parse(header).get(0).params().size());
        }

        @Test
        void aHundredThousandEmptyListElements() {
            String header = "a" + ", ".repeat(100_000) + "b";

            assertEquals(List.of(ext("a"), ext("b")), ExtensionHeader.parse(header));
        }

        @Test
        void aHundredThousandElements() {
            String header = "a; b, ".repeat(100_000);

            assertEquals(100_000, ExtensionHeader.parse(header).size());
        }

        @Test
        void aMegabyteOfWhitespaceBeforeABadCharacter() {
            String header = "a;" + " \t".repeat(512 * 1024) + "=";

            assertTrue(parseError(header).contains("expected a parameter name"));
        }
    }
}
