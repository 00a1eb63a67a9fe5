package dev.tether.servlet.upgrade;

import java.util.Arrays;

/**
 * Pieces of text kept as one string and where each piece ends, in the narrowest array that holds
 * those ends: a {@code byte[]} for a text of at most 255 chars (a client that sends only what the
 * protocol needs), a {@code char[]} up to 65,535 (as every handshake a container takes by default
 * is), an {@code int[]} beyond. A piece that is one of the {@link HeaderCodes#COMMON} ones goes in as its
 * one-character code, unless some piece is itself a lone code character: then no piece is coded,
 * so that one reads back as itself.
 *
 * <p>There are no instances: one more object for each idle connection is what this packing exists
 * to save. The owner keeps what {@link Builder} made (text, ends and whether it is coded) as fields
 * of its own, and reads them back through the static methods here.
 */
final class PackedPieces {
    private PackedPieces() {
    }

    /** How many pieces {@code ends} marks. */
    static int count(Object ends) {
        if (ends instanceof byte[] byteEnds) {
            return byteEnds.length;
        }
        return ends instanceof char[] charEnds ? charEnds.length : ((int[]) ends).length;
    }

    /** Piece {@code i}, as it was added. */
    static String piece(String text, Object ends, boolean coded, int i) {
        int start = start(ends, i);
        int end = end(ends, i);
        if (coded && isCode(text, start, end)) {
            return HeaderCodes.pieceFor(text.charAt(start));
        }
        return text.substring(start, end);
    }

    /** Whether piece {@code i} is {@code name}, whatever the case of either. */
    static boolean matches(String text, Object ends, boolean coded, int i, String name) {
        int start = start(ends, i);
        int end = end(ends, i);
        if (coded && isCode(text, start, end)) {
            return HeaderCodes.pieceFor(text.charAt(start)).equalsIgnoreCase(name);
        }
        return end - start == name.length() && text.regionMatches(true, start, name, 0, name.length());
    }

    private static boolean isCode(CharSequence text, int start, int end) {
        return end - start == 1 && HeaderCodes.isCode(text.charAt(start));
    }

    private static int start(Object ends, int i) {
        return i == 0 ? 0 : end(ends, i - 1);
    }

    private static int end(Object ends, int i) {
        if (ends instanceof byte[] byteEnds) {
            return byteEnds[i] & 0xFF;
        }
        return ends instanceof char[] charEnds ? charEnds[i] : ((int[]) ends)[i];
    }

    /** Collects the pieces in order; then {@link #text}, {@link #ends} and {@link #coded} are what to keep. */
    static final class Builder {
        private StringBuilder text = new StringBuilder(256);
        private int[] ends = new int[24];
        private int count;
        private boolean coded = true;

        /** Appends {@code piece}. */
        void add(String piece) {
            if (coded && piece.length() == 1 && HeaderCodes.isCode(piece.charAt(0))) {
                uncode(); // it would read back as the piece its code stands for
            }
            char code = coded ? HeaderCodes.codeFor(piece) : HeaderCodes.NO_CODE;
            if (code != HeaderCodes.NO_CODE) {
                text.append(code);
            } else {
                text.append(piece);
            }
            end();
        }

        /** How many pieces were added. */
        int count() {
            return count;
        }

        /** The pieces, end to end. */
        String text() {
            return text.toString();
        }

        /** Whether the common pieces in {@link #text} are their codes. */
        boolean coded() {
            return coded;
        }

        /** Where each piece ends, in the narrowest array for a text this long. */
        Object ends() {
            int length = text.length();
            if (length <= 0xFF) {
                byte[] byteEnds = new byte[count];
                for (int i = 0; i < count; i++) {
                    byteEnds[i] = (byte) ends[i];
                }
                return byteEnds;
            }
            if (length <= Character.MAX_VALUE) {
                char[] charEnds = new char[count];
                for (int i = 0; i < count; i++) {
                    charEnds[i] = (char) ends[i];
                }
                return charEnds;
            }
            return Arrays.copyOf(ends, count);
        }

        private void end() {
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, count * 2);
            }
            ends[count++] = text.length();
        }

        /** Puts back every piece coded so far, and codes no more. */
        private void uncode() {
            coded = false;
            StringBuilder codedText = text;
            int[] codedEnds = ends;
            int pieceCount = count;
            text = new StringBuilder(codedText.length() + 64);
            ends = new int[codedEnds.length];
            count = 0;
            for (int i = 0, start = 0; i < pieceCount; start = codedEnds[i++]) {
                int end = codedEnds[i];
                if (isCode(codedText, start, end)) {
                    text.append(HeaderCodes.pieceFor(codedText.charAt(start)));
                } else {
                    text.append(codedText, start, end);
                }
                end();
            }
        }
    }
}
