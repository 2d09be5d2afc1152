package org.tdxemu.scenarios.campaign;

import java.io.PrintWriter;
import java.time.Duration;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A fault campaign's progress drawn on one line of {@code terminal}, redrawn in place:
 *
 * <pre>faults  42% [======          ]  7859819/18388954 SEAMCALLs (0:00:02 / 0:00:02)</pre>
 *
 * the SEAMCALLs of work done out of the campaign's estimate, then the time spent and the time left.
 * The bar only adds up what the runs report, so it never goes back, however they finish.
 */
public final class CampaignProgressBar implements CampaignProgress {

    /**
     * The width of every frame: an 80-column terminal less the column the cursor waits in. The
     * library measures the terminal itself only through JLine, which warns on standard error when
     * it cannot open one; a fixed width and a consumer of our own keep JLine out of it.
     */
    static final int WIDTH = 79;

    /**
     * The name before the bar: the command's, not the scenario's, which can be long enough to push
     * the time left off the end of the frame.
     */
    private static final String NAME = "faults";

    private static final Duration REDRAW_EVERY = Duration.ofMillis(200);

    private final PrintWriter terminal;
    private final Duration redrawEvery;
    private ProgressBar bar;

    public CampaignProgressBar(PrintWriter terminal) {
        this(terminal, REDRAW_EVERY);
    }

    CampaignProgressBar(PrintWriter terminal, Duration redrawEvery) {
        this.terminal = terminal;
        this.redrawEvery = redrawEvery;
    }

    @Override
    public void started(long seamcalls) {
        bar = new ProgressBarBuilder().setTaskName(NAME).setInitialMax(seamcalls).setUnit(" SEAMCALLs", 1)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(Math.toIntExact(redrawEvery.toMillis()))
                .setConsumer(new DelegatingProgressBarConsumer(this::draw, WIDTH)).build();
    }

    @Override
    public void ran(long seamcalls) {
        bar.stepBy(seamcalls);
    }

    /** Draws the last frame, at the total when every run reported, and ends its line. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            terminal.println();
            terminal.flush();
        }
    }

    /**
     * One frame, over the one before: the library calls this from its own thread, one frame at a
     * time. It reads the percentage and the bar separately, so a frame can come out a column short;
     * padded to the width, every frame covers the last one whole.
     */
    private void draw(String frame) {
        terminal.print("\r" + String.format("%-" + WIDTH + "s", frame));
        terminal.flush();
    }
}
