package dev.tether.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of one section of README.md, as a reader would copy them: what the tests
 * compile and run to keep the README's instructions working.
 */
public final class ReadmeSnippets {
    private static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");
    private static final Pattern PUBLIC_CLASS = Pattern.compile("(?m)^public\\s+(?:final\\s+|abstract\\s+)*class\\s+(\\w+)");
    private static final Pattern ARTIFACT_ID = Pattern.compile("<artifactId>([^<]+)</artifactId>");

    /** One fenced block: its language tag (empty if none) and its text. */
    public record Block(String language, String text) {
    }

    private final String heading;
    private final List<Block> blocks;

    private ReadmeSnippets(String heading, List<Block> blocks) {
        this.heading = heading;
        this.blocks = List.copyOf(blocks);
    }

    /**
     * The blocks under {@code heading} (a whole heading line, e.g. {@code "## Install"}), up to the
     * next heading of the same or a higher level; fails when the README has no such heading.
     */
    public static ReadmeSnippets section(Path readme, String heading) throws IOException {
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        int level = heading.indexOf(' ');
        int start = lines.indexOf(heading);
        if (start < 0) throw new IllegalStateException(readme + " has no heading '" + heading + "'");
        List<Block> blocks = new ArrayList<>();
        String language = null;
        StringBuilder text = new StringBuilder();
        for (String line : lines.subList(start + 1, lines.size())) {
            Matcher fence = FENCE.matcher(line);
            if (language == null) {
                if (isHeadingAtOrAbove(line, level)) break;
                if (fence.matches()) {
                    language = fence.group(1);
                    text.setLength(0);
                }
            } else if (line.equals("```")) {
                blocks.add(new Block(language, text.toString()));
                language = null;
            } else {
                text.append(line).append('\n');
            }
        }
        return new ReadmeSnippets(heading, blocks);
    }

    private static boolean isHeadingAtOrAbove(String line, int level) {
        int hashes = 0;
        while (hashes < line.length() && line.charAt(hashes) == '#') hashes++;
        return hashes > 0 && hashes <= level && line.length() > hashes && line.charAt(hashes) == ' ';
    }

    /** The blocks tagged {@code language}, in order. */
    public List<Block> blocks(String language) {
        return blocks.stream().filter(b -> b.language().equals(language)).toList();
    }

    /**
     * The section's Java compilation units (blocks that declare a package), by the fully qualified
     * name of their public class, in order.
     */
    public Map<String, String> javaClasses() {
        Map<String, String> classes = new LinkedHashMap<>();
        for (Block block : blocks("java")) {
            Matcher pkg = PACKAGE.matcher(block.text());
            Matcher cls = PUBLIC_CLASS.matcher(block.text());
            if (pkg.find() && cls.find()) classes.put(pkg.group(1) + "." + cls.group(1), block.text());
        }
        if (classes.isEmpty()) throw new IllegalStateException("'" + heading + "' has no Java class");
        return classes;
    }

    /** Every {@code <artifactId>} named in the section's XML blocks, in order. */
    public List<String> artifactIds() {
        List<String> ids = new ArrayList<>();
        for (Block block : blocks("xml")) {
            Matcher id = ARTIFACT_ID.matcher(block.text());
            while (id.find()) ids.add(id.group(1));
        }
        return ids;
    }

    @Override
    public String toString() {
        return "README section '" + heading + "' (" + blocks.size() + " code blocks)";
    }
}
