package dev.tether.extension.deflate;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** A {@link Zlib} that keeps every stream it made and counts how often each was ended. */
final class CountingZlib implements Zlib {
    final List<CountingDeflater> deflaters = new ArrayList<>();
    final List<CountingInflater> inflaters = new ArrayList<>();

    @Override
    public Deflater deflater(int level) {
        CountingDeflater deflater = new CountingDeflater(level);
        deflaters.add(deflater);
        return deflater;
    }

    @Override
    public Inflater inflater() {
        CountingInflater inflater = new CountingInflater();
        inflaters.add(inflater);
        return inflater;
    }

    /** Fails unless every stream made was ended exactly once. */
    void assertAllEndedOnce() {
        for (CountingDeflater deflater : deflaters) {
            if (deflater.ends != 1) {
                throw new AssertionError("a Deflater was ended " + deflater.ends + " times");
            }
        }
        for (CountingInflater inflater : inflaters) {
            if (inflater.ends != 1) {
                throw new AssertionError("an Inflater was ended " + inflater.ends + " times");
            }
        }
    }

    static final class CountingDeflater extends Deflater {
        int ends;

        CountingDeflater(int level) {
            super(level, true);
        }

        @Override
        public void end() {
            ends++;
            super.end();
        }
    }

    static final class CountingInflater extends Inflater {
        int ends;

        CountingInflater() {
            super(true);
        }

        @Override
        public void end() {
            ends++;
            super.end();
        }
    }
}
