package io.rapport.cli;

import io.rapport.analytics.synthetic.DemoDataFiles;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows "done / total" on standard error. On a terminal one line is redrawn a few times a
 * second; otherwise (a log file, CI) a line is printed every 10%, so logs stay short.
 */
final class ProgressMeter implements DemoDataFiles.Progress {

    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final boolean terminal;
    private final String label;
    private final boolean megabytes;
    private long lastDraw;
    private int lastDecile;
    private boolean drawn;

    /** Counts customers. */
    ProgressMeter(PrintWriter err, boolean enabled, boolean terminal) {
        this(err, enabled, terminal, "customers", false);
    }

    /**
     * @param label     what is counted, e.g. "customers" or "reading transactions.csv"
     * @param megabytes whether done and total are bytes, shown as MB
     */
    ProgressMeter(PrintWriter err, boolean enabled, boolean terminal, String label, boolean megabytes) {
        this.err = err;
        this.enabled = enabled;
        this.terminal = terminal;
        this.label = label;
        this.megabytes = megabytes;
    }

    static boolean onTerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    @Override
    public void customersDone(int done, int total) {
        update(done, total);
    }

    void update(long done, long total) {
        if (!enabled) {
            return;
        }
        int percent = total <= 0 ? 100 : (int) Math.min(100, 100L * done / total);
        if (terminal) {
            long now = System.nanoTime();
            if (done >= total || now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                err.print("\r" + line(done, total, percent));
                err.flush();
                drawn = true;
            }
        } else if (percent / 10 > lastDecile) {
            lastDecile = percent / 10;
            err.println(line(done, total, percent));
            err.flush();
        }
    }

    private String line(long done, long total, int percent) {
        return megabytes
                ? String.format(Locale.ROOT, "%s %,.1f / %,.1f MB (%d%%)", label, done / 1e6, total / 1e6, percent)
                : String.format(Locale.ROOT, "%s %,d / %,d (%d%%)", label, done, total, percent);
    }

    /** Ends the progress line so that what follows starts on a fresh line. */
    void finish() {
        if (enabled && terminal && drawn) {
            err.println();
            err.flush();
            drawn = false;
        }
    }
}
