package org.tdxemu.scenarios.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The campaign's progress bar: what it draws, frame by frame, whatever order the runs finish in. */
class CampaignProgressBarTest {

    /** One frame: name, percentage, bar, SEAMCALLs done out of the total, time spent / time left. */
    static final Pattern FRAME = Pattern.compile(
            "(\\S+) +(\\d+)% \\[[=> ]*\\] +(\\d+)/(\\d+) SEAMCALLs \\((\\d+:\\d\\d:\\d\\d) / (\\d+:\\d\\d:\\d\\d|\\?)\\) *");

    /** The frames of {@code drawn}: each starts with a carriage return, and the last line ends. */
    static List<Matcher> frames(String drawn) {
        assertTrue(drawn.startsWith("\r") && drawn.endsWith("\n") && drawn.indexOf('\n') == drawn.length() - 1,
                "frames drawn over one another on one line: " + drawn);
        List<Matcher> frames = new ArrayList<>();
        for (String frame : drawn.substring(1, drawn.length() - 1).split("\r")) {
            Matcher m = FRAME.matcher(frame);
            assertTrue(m.matches(), "a frame: \"" + frame + "\"");
            assertEquals(CampaignProgressBar.WIDTH, frame.length(), "every frame as wide, so each covers the last: " + frame);
            frames.add(m);
        }
        return frames;
    }

    /** SEAMCALLs done, frame by frame, after checking every frame counts out of {@code total}. */
    static List<Long> done(List<Matcher> frames, long total) {
        List<Long> done = new ArrayList<>();
        for (Matcher frame : frames) {
            assertEquals(total, Long.parseLong(frame.group(4)), frame.group());
            done.add(Long.parseLong(frame.group(3)));
        }
        return done;
    }

    @Test
    void framesNeverGoBackAndTheLastIsTheTotalHoweverRunsFinish() throws InterruptedException {
        StringWriter drawn = new StringWriter();
        long[] runs = new long[400];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = 1 + (i * 7919L) % 2048;
        }
        long total = Arrays.stream(runs).sum();
        try (CampaignProgressBar bar = new CampaignProgressBar(new PrintWriter(drawn), Duration.ofMillis(1))) {
            bar.started(total);
            ExecutorService threads = Executors.newFixedThreadPool(8);
            for (long run : runs) {
                threads.submit(() -> {
                    Thread.sleep(run % 3);
                    bar.ran(run);
                    return null;
                });
            }
            threads.shutdown();
            assertTrue(threads.awaitTermination(1, TimeUnit.MINUTES));
        }
        List<Long> done = done(frames(drawn.toString()), total);
        assertTrue(done.size() > 2, "frames while the runs ran: " + done);
        for (int i = 1; i < done.size(); i++) {
            assertTrue(done.get(i) >= done.get(i - 1), "frame " + i + " went back: " + done);
        }
        assertEquals(total, done.get(done.size() - 1));
    }

    @Test
    void aFrameShowsTheTimeSpentAndTheTimeLeft() {
        StringWriter drawn = new StringWriter();
        try (CampaignProgressBar bar = new CampaignProgressBar(new PrintWriter(drawn))) {
            bar.started(19350);
            bar.ran(9675);
        }
        List<Matcher> frames = frames(drawn.toString());
        Matcher last = frames.get(frames.size() - 1);
        assertEquals(List.of("faults", "50", "9675", "19350"), List.of(last.group(1), last.group(2), last.group(3),
                last.group(4)));
        assertTrue(last.group(6).matches("\\d+:\\d\\d:\\d\\d"), "the time left, once some work is done: " + last.group());
    }

    @Test
    void aFrameKeepsTheTimeLeftWhole() {
        // Two-socket-2t with --every-call: every TDMR.INIT of half a million faulted, each run weighed by its place.
        long total = 1_234_567_890_123L;
        StringWriter drawn = new StringWriter();
        try (CampaignProgressBar bar = new CampaignProgressBar(new PrintWriter(drawn))) {
            bar.started(total);
            bar.ran(total / 3);
        }
        List<Matcher> frames = frames(drawn.toString());
        assertEquals(List.of(total / 3), done(frames.subList(frames.size() - 1, frames.size()), total));
    }

    @Test
    void aCampaignThatNeverStartedDrawsNothing() {
        StringWriter drawn = new StringWriter();
        new CampaignProgressBar(new PrintWriter(drawn)).close();
        assertEquals("", drawn.toString());
    }
}
