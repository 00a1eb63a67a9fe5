package dev.tether.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a process (every thread of it) has used so far, from {@code /proc}: CPU in user and kernel
 * mode, read and write system calls (every {@code read}, {@code readv}, {@code write}, {@code writev},
 * socket ones included) and context switches, voluntary (the thread waited) and not (it was
 * preempted). Two readings apart give what a measured window cost, per message. Context switches
 * are summed over the threads alive at each reading, so a thread that ends inside the window takes
 * its count with it (the figure is then low); CPU is in clock ticks taken as 10 ms (USER_HZ 100, as
 * on every common Linux build).
 *
 * @param userNanos        CPU in user mode (clock ticks of 10 ms)
 * @param systemNanos      CPU in kernel mode
 * @param readCalls        {@code syscr} of {@code /proc/<pid>/io}
 * @param writeCalls       {@code syscw}
 * @param waits            voluntary context switches, summed over the threads alive now
 * @param preemptions      involuntary context switches, likewise
 */
public record ProcessCounters(long userNanos, long systemNanos, long readCalls, long writeCalls, long waits,
                              long preemptions) {
    private static final ProcessCounters NONE = new ProcessCounters(0, 0, 0, 0, 0, 0);

    /** Reads them for {@code pid}; zeros where {@code /proc} cannot be read (not Linux, another user). */
    public static ProcessCounters of(long pid) {
        try {
            Path proc = Path.of("/proc", String.valueOf(pid));
            String stat = Files.readString(proc.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long user = Long.parseLong(fields[11]) * 10_000_000L;
            long system = Long.parseLong(fields[12]) * 10_000_000L;
            long reads = 0;
            long writes = 0;
            for (String line : Files.readAllLines(proc.resolve("io"))) {
                if (line.startsWith("syscr:")) {
                    reads = Long.parseLong(line.substring(6).trim());
                } else if (line.startsWith("syscw:")) {
                    writes = Long.parseLong(line.substring(6).trim());
                }
            }
            long waits = 0;
            long preemptions = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
                for (Path task : tasks) {
                    try {
                        for (String line : Files.readAllLines(task.resolve("status"))) {
                            if (line.startsWith("voluntary_ctxt_switches:")) {
                                waits += Long.parseLong(line.substring(24).trim());
                            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                                preemptions += Long.parseLong(line.substring(27).trim());
                            }
                        }
                    } catch (IOException threadEnded) {
                        // it ended meanwhile: its switches are no longer counted anywhere
                    }
                }
            }
            return new ProcessCounters(user, system, reads, writes, waits, preemptions);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** What was used between {@code earlier} and this reading. */
    public ProcessCounters since(ProcessCounters earlier) {
        return new ProcessCounters(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos,
                readCalls - earlier.readCalls, writeCalls - earlier.writeCalls, waits - earlier.waits,
                preemptions - earlier.preemptions);
    }
}
