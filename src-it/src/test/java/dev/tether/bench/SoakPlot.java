package dev.tether.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/** The soak's samples as one PNG: a panel per figure, minutes across, a line per server. */
final class SoakPlot {
    private static final int PANEL_WIDTH = 560;
    private static final int PANEL_HEIGHT = 260;
    private static final int MARGIN = 48;
    private static final Color[] SERVER_COLOURS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};

    private record Panel(String title, ToDoubleFunction<SoakBenchmark.Sample> figure) {
    }

    private static final List<Panel> PANELS = List.of(
            new Panel("live heap after GC, MiB", SoakBenchmark.Sample::heapMiB),
            new Panel("RSS, MiB", SoakBenchmark.Sample::rssMiB),
            new Panel("threads", s -> s.threads()),
            new Panel("open file descriptors", s -> s.fds()),
            new Panel("echo p99, ms", SoakBenchmark.Sample::p99ms),
            new Panel("echo messages/s", SoakBenchmark.Sample::echoPerSecond));

    private SoakPlot() {
    }

    static void write(Map<String, List<SoakBenchmark.Sample>> samples, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int columns = 2;
        int rows = (PANELS.size() + columns - 1) / columns;
        BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, rows * PANEL_HEIGHT + 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int legendX = 10;
            int s = 0;
            for (String server : samples.keySet()) {
                g.setColor(SERVER_COLOURS[s++ % SERVER_COLOURS.length]);
                g.fillRect(legendX, 10, 14, 10);
                g.setColor(Color.BLACK);
                g.drawString(server, legendX + 20, 20);
                legendX += 30 + g.getFontMetrics().stringWidth(server);
            }
            for (int p = 0; p < PANELS.size(); p++) {
                drawPanel(g, PANELS.get(p), samples, (p % columns) * PANEL_WIDTH, 30 + (p / columns) * PANEL_HEIGHT);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static void drawPanel(Graphics2D g, Panel panel, Map<String, List<SoakBenchmark.Sample>> samples, int x0, int y0) {
        double maxY = 0;
        int maxMinute = 1;
        for (List<SoakBenchmark.Sample> series : samples.values()) {
            for (SoakBenchmark.Sample s : series) {
                maxY = Math.max(maxY, panel.figure().applyAsDouble(s));
                maxMinute = Math.max(maxMinute, s.minute());
            }
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.1; // from zero, so that a flat line looks flat
        int left = x0 + MARGIN;
        int right = x0 + PANEL_WIDTH - 16;
        int top = y0 + 24;
        int bottom = y0 + PANEL_HEIGHT - 30;
        g.setColor(Color.BLACK);
        g.drawString(panel.title(), left, y0 + 16);
        g.setColor(Color.GRAY);
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        g.drawString(format(maxY), x0 + 2, top + 4);
        g.drawString("0", x0 + 2, bottom + 4);
        g.drawString("minute " + maxMinute, right - 60, bottom + 16);
        g.drawString("1", left, bottom + 16);
        int s = 0;
        g.setStroke(new BasicStroke(2f));
        for (List<SoakBenchmark.Sample> series : samples.values()) {
            g.setColor(SERVER_COLOURS[s++ % SERVER_COLOURS.length]);
            int previousX = -1;
            int previousY = -1;
            for (SoakBenchmark.Sample sample : series) {
                int x = left + (int) Math.round((sample.minute() - 1) * (right - left) / (double) Math.max(1, maxMinute - 1));
                int y = bottom - (int) Math.round(panel.figure().applyAsDouble(sample) * (bottom - top) / maxY);
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                }
                g.fillOval(x - 2, y - 2, 5, 5);
                previousX = x;
                previousY = y;
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static String format(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
