package dev.tether.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chat's own JSON and its checks of names and rooms (the protocol itself is tested in src-it). */
class ChatInputTest {

    @Test
    void writesEscapedJson() {
        String json = Json.object().put("text", "a\"b\\c\n\t\u0001</script>&\u2028").put("n", 42)
                .put("list", List.of("x", "y\"")).putRaw("raw", "[{}]").toString();
        assertEquals("{\"text\":\"a\\\"b\\\\c\\n\\t\\u0001\\u003c/script\\u003e\\u0026\\u2028\",\"n\":42,"
                + "\"list\":[\"x\",\"y\\\"\"],\"raw\":[{}]}", json);
        assertEquals("{}", Json.object().toString());
    }

    @Test
    void readsFlatObjects() {
        Map<String, Object> read = Json.parseFlatObject(" { \"type\" : \"message\", \"text\":\"h\\u00e9\\n\\\"x\\\"\", "
                + "\"n\": -1.5e2, \"ok\": true, \"no\": false, \"none\": null } ");
        assertEquals("message", read.get("type"));
        assertEquals("hé\n\"x\"", read.get("text"));
        assertEquals(-150.0, read.get("n"));
        assertEquals(Boolean.TRUE, read.get("ok"));
        assertEquals(Boolean.FALSE, read.get("no"));
        assertTrue(read.containsKey("none"));
        assertNull(read.get("none"));
        assertEquals(Map.of(), Json.parseFlatObject("{}"));
    }

    @Test
    void refusesWhatIsNotOneFlatObject() {
        for (String bad : Arrays.asList("", "[]", "\"x\"", "{", "{\"a\":1,}", "{\"a\":{}}", "{\"a\":[1]}", "{\"a\":1}x",
                "{\"a\":1,\"a\":2}", "{a:1}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"line\nbreak\"}",
                "{\"a\":tru}", "{\"a\":-}")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parseFlatObject(bad), bad);
        }
    }

    @Test
    void namesAreLettersAndDigitsWithSingleSeparators() {
        for (String good : List.of("ada", "Ada Lovelace", "grace_hopper", "O'Neil", "j.r.r", "Zoë", "李小龙", "x1-2", "a".repeat(24))) {
            assertEquals(good, ChatRooms.validName(good), good);
        }
        assertEquals("ada", ChatRooms.validName("  ada\t"));
        for (String bad : Arrays.asList(null, "", "   ", "two  spaces", "<b>", "a<b", "-ada", "ada-", "ada!", "a\u0000b",
                "a".repeat(25), "😀")) {
            assertNull(ChatRooms.validName(bad), String.valueOf(bad));
        }
    }

    @Test
    void roomsAreLowerCaseWithSingleDashes() {
        for (String good : List.of("lobby", "it-chat", "a1", "r".repeat(24))) {
            assertTrue(ChatRooms.validRoom(good), good);
        }
        for (String bad : Arrays.asList(null, "", "Lobby", "under_score", "-a", "a-", "a--b", "r".repeat(25), "é", "a b")) {
            assertFalse(ChatRooms.validRoom(bad), String.valueOf(bad));
        }
    }
}
