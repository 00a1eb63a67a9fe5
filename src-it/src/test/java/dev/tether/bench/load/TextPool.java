package dev.tether.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The deflate benchmark's messages: deterministic (a fixed seed per size) and distinct, each exactly
 * the size asked for, ASCII. Up to 64 KiB they are JSON-like (records of ids, user names, numbers,
 * flags, tags and lorem words, as an API or chat would send); above, prose built from the same words
 * in sentences and paragraphs. The pool is the same in every run and for every server.
 */
public final class TextPool {
    private static final String[] WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor"
            + " incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris"
            + " nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat"
            + " nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim"
            + " id est laborum").split(" ");
    private static final String[] FIRST = {"maria", "james", "wei", "fatima", "olga", "carlos", "aiko", "noah", "priya",
            "lukas", "amara", "diego", "sofia", "omar", "elena", "kofi"};
    private static final String[] LAST = {"garcia", "smith", "chen", "khan", "ivanova", "silva", "tanaka", "muller",
            "patel", "rossi", "okafor", "nguyen", "dubois", "kowalski", "haddad", "larsen"};
    private static final String[] TAGS = {"news", "sport", "tech", "music", "travel", "food", "alert", "update", "chat",
            "billing"};
    private static final int LARGEST_JSON = 64 * 1024;

    private TextPool() {
    }

    /** {@code count} distinct messages of exactly {@code size} bytes (at least 48), the same on every call. */
    public static List<byte[]> messages(int size, int count) {
        if (size < 48) {
            throw new IllegalArgumentException("messages must be at least 48 bytes: " + size);
        }
        Random random = new Random(0x7e7_4e5L + size);
        List<byte[]> pool = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String text = size <= LARGEST_JSON ? json(size, i, random) : prose(size, random);
            pool.add(text.getBytes(StandardCharsets.US_ASCII));
        }
        return pool;
    }

    /** One record when small, else an array of records; the last string is filled with words to the exact size. */
    private static String json(int size, int index, Random r) {
        StringBuilder sb = new StringBuilder(size);
        if (size < 256) {
            sb.append("{\"id\":").append(index * 7919 + r.nextInt(1000)).append(",\"user\":\"").append(user(r))
                    .append("\",\"text\":\"");
            words(sb, size - 2, r);
            return sb.append("\"}").toString();
        }
        sb.append('[');
        while (true) {
            String record = record(r);
            // room left for this record, a comma and the closing record of at least ~40 bytes
            if (sb.length() + record.length() + 48 > size) {
                break;
            }
            sb.append(record).append(',');
        }
        sb.append("{\"seq\":").append(index).append(",\"note\":\"");
        words(sb, size - 3, r);
        return sb.append("\"}]").toString();
    }

    private static String record(Random r) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"id\":").append(100_000 + r.nextInt(900_000))
                .append(",\"user\":\"").append(user(r))
                .append("\",\"score\":").append(r.nextInt(10_000) / 100.0)
                .append(",\"active\":").append(r.nextBoolean())
                .append(",\"ts\":").append(1_700_000_000_000L + r.nextInt(1_000_000_000))
                .append(",\"tags\":[\"").append(TAGS[r.nextInt(TAGS.length)]).append("\",\"")
                .append(TAGS[r.nextInt(TAGS.length)]).append("\"],\"text\":\"");
        int words = 3 + r.nextInt(10);
        for (int i = 0; i < words; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.append("\"}").toString();
    }

    private static String user(Random r) {
        return FIRST[r.nextInt(FIRST.length)] + "." + LAST[r.nextInt(LAST.length)] + (r.nextInt(100));
    }

    /** Sentences of words, paragraphs of sentences, to exactly {@code size} characters. */
    private static String prose(int size, Random r) {
        StringBuilder sb = new StringBuilder(size);
        while (sb.length() < size) {
            int sentences = 3 + r.nextInt(5);
            for (int s = 0; s < sentences && sb.length() < size; s++) {
                int words = 6 + r.nextInt(12);
                StringBuilder sentence = new StringBuilder();
                for (int w = 0; w < words; w++) {
                    String word = WORDS[r.nextInt(WORDS.length)];
                    sentence.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : " " + word);
                    if (w > 0 && w < words - 1 && r.nextInt(8) == 0) {
                        sentence.append(',');
                    }
                }
                sentence.append(". ");
                sb.append(sentence, 0, Math.min(sentence.length(), size - sb.length()));
            }
            if (sb.length() < size) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Appends words and spaces until {@code sb} is {@code length} long, cutting the last word to fit. */
    private static void words(StringBuilder sb, int length, Random r) {
        if (sb.length() > length) {
            throw new IllegalStateException("the message's fixed part is longer than its size");
        }
        while (sb.length() < length) {
            String word = WORDS[r.nextInt(WORDS.length)] + " ";
            sb.append(word, 0, Math.min(word.length(), length - sb.length()));
        }
    }
}
