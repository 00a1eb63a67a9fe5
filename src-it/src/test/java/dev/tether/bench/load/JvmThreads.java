package dev.tether.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The user CPU of a JVM's own threads, those that run no Java code a profiler's execution samples
 * could see: garbage collection, the JIT compilers, the VM thread and JFR's native threads (its
 * sampler among them). Summed over the threads alive at the reading, from {@code /proc/<pid>/task},
 * by the thread's name (the kernel keeps its first 15 characters); a thread that ends between two
 * readings takes its time with it, as in {@link ProcessCounters}. Clock ticks taken as 10 ms.
 */
public final class JvmThreads {
    /** Name beginnings of HotSpot's (and G1's, and JFR's) non-Java threads, as the kernel shows them. */
    static final List<String> PREFIXES = List.of("GC Thread", "G1 ", "C1 CompilerThre", "C2 CompilerThre",
            "VM Thread", "VM Periodic", "Sweeper", "JFR Recorder", "JFR Thread Samp", "Service Thread",
            "Monitor Deflati");

    private JvmThreads() {
    }

    /** Whether a thread of this name (as {@code /proc/…/comm} shows it) is one of the JVM's own. */
    public static boolean isJvmThread(String name) {
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** User CPU so far of {@code pid}'s JVM threads, in nanoseconds; 0 where {@code /proc} cannot be read. */
    public static long userNanos(long pid) {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (isJvmThread(name)) {
                        ticks += Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[11]);
                    }
                } catch (IOException threadEnded) {
                    // it ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return ticks * 10_000_000L;
    }
}
