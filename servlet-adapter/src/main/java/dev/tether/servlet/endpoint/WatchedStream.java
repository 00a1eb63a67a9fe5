package dev.tether.servlet.endpoint;

import java.io.FilterInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * The stream of a message handed to a stream method, remembering the last {@code IOException} it
 * threw, so that the method's own failures can be told from the stream's (above all the
 * connection's end, which the connection recognises only as the very exception it made the stream
 * throw). Only reading and skipping wait for the peer and fail; the rest is delegated as it is.
 */
interface WatchedStream {

    /** The last exception a read or skip threw, or null. */
    IOException thrown();

    /** A message's bytes. */
    final class Bytes extends FilterInputStream implements WatchedStream {
        private volatile IOException thrown;

        Bytes(InputStream message) {
            super(message);
        }

        @Override
        public IOException thrown() {
            return thrown;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw thrown = e;
            }
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            try {
                return in.read(into, offset, length);
            } catch (IOException e) {
                throw thrown = e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (IOException e) {
                throw thrown = e;
            }
        }
    }

    /** A message's characters. */
    final class Characters extends FilterReader implements WatchedStream {
        private volatile IOException thrown;

        Characters(Reader message) {
            super(message);
        }

        @Override
        public IOException thrown() {
            return thrown;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw thrown = e;
            }
        }

        @Override
        public int read(char[] into, int offset, int length) throws IOException {
            try {
                return in.read(into, offset, length);
            } catch (IOException e) {
                throw thrown = e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (IOException e) {
                throw thrown = e;
            }
        }
    }
}
