package dev.tether.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The benchmarks' arithmetic on batches, and the fields of a child's result line. */
final class Figures {
    private Figures() {
    }

    static <T> double median(List<T> values, ToDoubleFunction<T> metric) {
        double[] v = values.stream().mapToDouble(metric).sorted().toArray();
        return v[v.length / 2];
    }

    static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The median over batches of {@code a}'s figure divided by {@code b}'s in the same batch, as "1.23x". */
    static <T> String perBatchRatio(List<T> a, List<T> b, ToDoubleFunction<T> metric) {
        double[] ratios = new double[Math.min(a.size(), b.size())];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = metric.applyAsDouble(a.get(i)) / metric.applyAsDouble(b.get(i));
        }
        return String.format(Locale.ROOT, "%.2fx", medianOf(ratios));
    }

    /** {@code key=value} pairs separated by spaces. */
    static Map<String, String> fields(String reply) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String pair : reply.split(" ")) {
            String[] kv = pair.split("=", 2);
            f.put(kv[0], kv[1]);
        }
        return f;
    }
}
