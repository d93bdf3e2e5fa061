package io.rapport.cli;

import io.rapport.analytics.synthetic.DemoDataFiles;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows "customers done / total" on standard error. On a terminal one line is redrawn a few
 * times a second; otherwise (a log file, CI) a line is printed every 10%, so logs stay short.
 */
final class ProgressMeter implements DemoDataFiles.Progress {

    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final boolean terminal;
    private long lastDraw;
    private int lastDecile;
    private boolean drawn;

    ProgressMeter(PrintWriter err, boolean enabled, boolean terminal) {
        this.err = err;
        this.enabled = enabled;
        this.terminal = terminal;
    }

    @Override
    public void customersDone(int done, int total) {
        if (!enabled) {
            return;
        }
        int percent = total == 0 ? 100 : (int) (100L * done / total);
        if (terminal) {
            long now = System.nanoTime();
            if (done == total || now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                err.print(String.format(Locale.ROOT, "\rcustomers %,d / %,d (%d%%)", done, total, percent));
                err.flush();
                drawn = true;
            }
        } else if (percent / 10 > lastDecile) {
            lastDecile = percent / 10;
            err.println(String.format(Locale.ROOT, "customers %,d / %,d (%d%%)", done, total, percent));
            err.flush();
        }
    }

    /** Ends the progress line so that what follows starts on a fresh line. */
    void finish() {
        if (enabled && terminal && drawn) {
            err.println();
            err.flush();
        }
    }
}
