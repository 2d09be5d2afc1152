package org.tdxemu.scenarios.dmesg;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * One line of a kernel log as the kernel printed it: its line number in the file the user gave
 * (from 1), and the message without what {@code dmesg}, syslog or journald put in front of it.
 */
public record LogLine(int number, String message) {

    /**
     * What stands in front of a kernel message, outermost first: a syslog or journald prefix
     * ({@code Dec 04 12:00:00 host kernel: }, or with an ISO 8601 time), a raw level
     * ({@code <6>}, {@code dmesg -r}), a facility and level ({@code kern  :info  : }, {@code dmesg -x}),
     * and the time stamp ({@code [   31.199911] }, {@code dmesg -T}'s {@code [Fri Dec  4 12:00:00 2026] }
     * or {@code dmesg --time-format iso}'s {@code 2026-12-04T12:00:00,123456+00:00 }).
     */
    private static final List<Pattern> PREFIXES = List.of(
            Pattern.compile("^[A-Z][a-z]{2} [ 0-9]?\\d \\d\\d:\\d\\d:\\d\\d \\S+ kernel: ?"),
            Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)? \\S+ kernel: ?"),
            Pattern.compile("^<\\d{1,3}>"),
            Pattern.compile("^[a-z]{3,8} *:[a-z]{3,6} *: "),
            Pattern.compile("^\\[ *\\d+\\.\\d+\\] ?"),
            Pattern.compile("^\\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]?\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ?"),
            Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d+[+-]\\d\\d:\\d\\d "));

    /** The line numbered {@code number}, its prefixes taken off and its trailing white space (a CR too) dropped. */
    public static LogLine of(int number, String raw) {
        String message = raw;
        for (Pattern prefix : PREFIXES) {
            message = prefix.matcher(message).replaceFirst("");
        }
        return new LogLine(number, message.stripTrailing());
    }

    /** Each line of {@code text}, numbered from 1. */
    public static List<LogLine> split(String text) {
        List<String> raw = text.lines().toList();
        return IntStream.range(0, raw.size()).mapToObj(i -> of(i + 1, raw.get(i))).toList();
    }
}
