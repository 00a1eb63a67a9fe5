package dev.tether.fuzz;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the core's targets with Jazzer, on demand, one JVM per target:
 *
 * <pre>mvn -B -pl core -Pfuzz test-compile exec:exec [-Dfuzz.args="--seconds 3600 FrameParserFuzz"]</pre>
 *
 * Each target starts from its committed corpus ({@code src/test/resources/fuzz/<Target>}) and
 * keeps what it finds in {@code target/fuzz/<Target>/corpus}; a failing input is written to
 * {@code target/fuzz/<Target>/} with a Java reproducer. Copy it into the committed corpus once the
 * bug is fixed, so {@link FuzzCorpusTest} keeps it fixed. Prints, per target, the time run, the
 * executions and whether it found anything.
 */
public final class Fuzz {
    private static final Pattern DONE = Pattern.compile("Done (\\d+) runs in (\\d+) second");

    private Fuzz() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = 60;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds")) {
                seconds = Long.parseLong(args[++i]);
            } else {
                names.add(args[i]);
            }
        }
        List<String> rows = new ArrayList<>();
        boolean found = false;
        for (Class<?> target : FuzzTargets.ALL) {
            if (!names.isEmpty() && !names.contains(target.getSimpleName())) {
                continue;
            }
            Result result = fuzz(target, seconds);
            found |= !result.clean();
            rows.add(String.format(Locale.ROOT, "%-22s %8d %14d %10d  %s", target.getSimpleName(), result.seconds(),
                    result.runs(), result.seconds() == 0 ? 0 : result.runs() / result.seconds(), result.outcome()));
        }
        System.out.printf(Locale.ROOT, "%-22s %8s %14s %10s  %s%n", "target", "seconds", "executions", "exec/s", "outcome");
        rows.forEach(System.out::println);
        if (found) {
            System.exit(1);
        }
    }

    private record Result(long seconds, long runs, boolean clean, String outcome) {
    }

    private static Result fuzz(Class<?> target, long seconds) throws IOException, InterruptedException {
        Path work = Path.of("target/fuzz", target.getSimpleName());
        Path corpus = work.resolve("corpus");
        Files.createDirectories(corpus);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "com.code_intelligence.jazzer.Jazzer", "--target_class=" + target.getName(),
                "--reproducer_path=" + work, "-artifact_prefix=" + work + File.separator,
                "-max_total_time=" + seconds, "-rss_limit_mb=3072", "-print_final_stats=1",
                corpus.toString(), FuzzTargets.corpus(target).toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        long runs = 0;
        long ran = 0;
        String crash = null;
        Path log = work.resolve("fuzz.log");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var writer = Files.newBufferedWriter(log)) {
            for (String line; (line = out.readLine()) != null; ) {
                writer.write(line);
                writer.newLine();
                Matcher done = DONE.matcher(line);
                if (done.find()) {
                    runs = Long.parseLong(done.group(1));
                    ran = Long.parseLong(done.group(2));
                }
                if (crash == null && line.startsWith("== Java Exception")) {
                    crash = line.substring("== Java Exception: ".length());
                }
            }
        }
        int exit = process.waitFor();
        boolean clean = exit == 0 && crash == null;
        return new Result(ran, runs, clean, clean ? "nothing found"
                : "FOUND " + (crash == null ? "a failure (exit " + exit + ")" : crash) + "; see " + log);
    }
}
