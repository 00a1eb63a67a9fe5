package dev.tether.extension.deflate;

import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Where sessions get their zlib streams: raw DEFLATE (no zlib header or checksum), as RFC 7692
 * §7.2.1 requires. Tests substitute one that counts how often each stream is ended.
 */
interface Zlib {

    /** The JDK's own streams. */
    Zlib JDK = new Zlib() {
        @Override
        public Deflater deflater(int level) {
            return new Deflater(level, true);
        }

        @Override
        public Inflater inflater() {
            return new Inflater(true);
        }
    };

    /** A new raw-DEFLATE compressor at {@code level}; the caller ends it. */
    Deflater deflater(int level);

    /** A new raw-DEFLATE decompressor; the caller ends it. */
    Inflater inflater();
}
