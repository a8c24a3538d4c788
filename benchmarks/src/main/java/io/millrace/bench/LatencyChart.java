package io.millrace.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The latency chart: one panel per latency workload, each the percentile distribution of every
 * broker (all rounds merged), drawn with Java2D. Both axes are logarithmic: the x axis spreads the
 * tail (50%, 90%, 99%, 99.9%, 99.99% at equal steps), the y axis is milliseconds. Stateless.
 */
final class LatencyChart {

    private static final int PANEL_WIDTH = 700;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 70;
    private static final int BOTTOM = 70;
    /** The x axis ends at 99.999%: log10(1 / (1 - 0.99999)) = 5. */
    private static final double MAX_NINES = 5;

    private LatencyChart() {}

    static void write(BenchResult r, Path file) throws IOException {
        List<Workload> panels = List.of(Workload.LATENCY_ONE_IN_FLIGHT, Workload.LATENCY_FIXED_RATE);
        BufferedImage image = new BufferedImage(PANEL_WIDTH * panels.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                panel(g, r, panels.get(i), i * PANEL_WIDTH);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("No PNG writer available to write " + file);
        }
    }

    private static void panel(Graphics2D g, BenchResult r, Workload w, int x0) {
        List<BrokerSetup> brokers = r.settings().brokers();
        List<List<double[]>> series = new ArrayList<>();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (BrokerSetup b : brokers) {
            List<double[]> points = points(r.mergedLatency(w, b));
            series.add(points);
            for (double[] p : points) {
                min = Math.min(min, p[1]);
                max = Math.max(max, p[1]);
            }
        }
        if (max == 0) {
            min = 0.01;
            max = 10;
        }
        int eMin = (int) Math.floor(Math.log10(Math.max(min, 0.001)));
        int eMax = Math.max(eMin + 1, (int) Math.ceil(Math.log10(max)));
        double yMin = Math.pow(10, eMin);
        double yMax = Math.pow(10, eMax);
        int left = x0 + LEFT;
        int right = x0 + PANEL_WIDTH - RIGHT;
        int top = TOP;
        int bottom = HEIGHT - BOTTOM;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        centered(g, w.title(), (left + right) / 2, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        centered(g, "produce → consume, all rounds merged, log-log", (left + right) / 2, 48);

        // grid and axes
        g.setStroke(new BasicStroke(1f));
        for (int nines = 0; nines <= MAX_NINES; nines++) {
            int x = left + (int) Math.round((right - left) * nines / MAX_NINES);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.DARK_GRAY);
            centered(g, percentileLabel(nines), x, bottom + 18);
        }
        for (int e = eMin; e <= eMax; e++) {
            int y = y(Math.pow(10, e), yMin, yMax, top, bottom);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String label = decadeLabel(e);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        centered(g, "percentile", (left + right) / 2, bottom + 40);
        g.rotate(-Math.PI / 2);
        centered(g, "latency (ms)", -(top + bottom) / 2, x0 + 22);
        g.rotate(Math.PI / 2);

        // series
        g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        // Legend in the lower right: distributions rise to the right, so that corner stays empty.
        int legendX = right - 190;
        int legendY = bottom - 12 - 18 * (brokers.size() - 1);
        for (int i = 0; i < brokers.size(); i++) {
            List<double[]> points = series.get(i);
            g.setColor(color(brokers.get(i)));
            Path2D path = new Path2D.Double();
            boolean first = true;
            for (double[] p : points) {
                double px = left + (right - left) * Math.min(p[0], MAX_NINES) / MAX_NINES;
                double py = y(p[1], yMin, yMax, top, bottom);
                if (first) {
                    path.moveTo(px, py);
                    first = false;
                } else {
                    path.lineTo(px, py);
                }
            }
            g.draw(path);
            g.drawLine(legendX, legendY - 4, legendX + 24, legendY - 4);
            g.setColor(Color.BLACK);
            g.drawString(brokers.get(i).label() + (points.isEmpty() ? " (no data)" : ""), legendX + 30, legendY);
            legendY += 18;
        }
    }

    /** (nines, milliseconds) pairs along the distribution; nines = log10(1 / (1 - percentile/100)). */
    private static List<double[]> points(Histogram h) {
        List<double[]> out = new ArrayList<>();
        if (h == null || h.getTotalCount() == 0) {
            return out;
        }
        for (HistogramIterationValue v : h.percentiles(5)) {
            double pct = v.getPercentileLevelIteratedTo();
            if (pct >= 100) {
                break;
            }
            double nines = Math.log10(100 / (100 - pct));
            if (nines > MAX_NINES) {
                break;
            }
            out.add(new double[] {nines, Math.max(0.001, h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0)});
        }
        return out;
    }

    private static int y(double ms, double yMin, double yMax, int top, int bottom) {
        double f = (Math.log10(ms) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin));
        return (int) Math.round(bottom - f * (bottom - top));
    }

    private static Color color(BrokerSetup b) {
        return switch (b) {
            case MILLRACE -> new Color(214, 39, 40);
            case KAFKA -> new Color(31, 119, 180);
            case KAFKA_FSYNC -> new Color(44, 160, 44);
        };
    }

    private static String percentileLabel(int nines) {
        return switch (nines) {
            case 0 -> "0%";
            case 1 -> "90%";
            case 2 -> "99%";
            case 3 -> "99.9%";
            case 4 -> "99.99%";
            default -> "99.999%";
        };
    }

    /** 10^exponent written out: "0.01", "1", "100". */
    private static String decadeLabel(int exponent) {
        return exponent >= 0 ? "1" + "0".repeat(exponent) : "0." + "0".repeat(-exponent - 1) + "1";
    }

    private static void centered(Graphics2D g, String text, int cx, int y) {
        FontMetrics m = g.getFontMetrics();
        g.drawString(text, cx - m.stringWidth(text) / 2, y);
    }
}
