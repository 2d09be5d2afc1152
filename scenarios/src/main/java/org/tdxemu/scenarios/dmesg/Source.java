package org.tdxemu.scenarios.dmesg;

import java.util.ArrayList;
import java.util.List;

/**
 * Where values of an imported scenario came from: the log lines that state them, or, with no
 * lines, an assumption. {@code why} says how the lines became the values, or why the assumption;
 * {@code approximate} values were read but stand for something tdxemu has no exact model of (a
 * module release newer than every personality, a kernel release other than the profile's).
 */
public record Source(List<String> fields, List<Integer> lines, String why, boolean approximate) {

    public Source {
        fields = List.copyOf(fields);
        lines = List.copyOf(lines);
    }

    static Source read(String field, List<Integer> lines, String why) {
        return new Source(List.of(field), lines, why, false);
    }

    static Source assumed(List<String> fields, String why) {
        return new Source(fields, List.of(), why, false);
    }

    static Source assumed(String field, String why) {
        return assumed(List.of(field), why);
    }

    public boolean assumption() {
        return lines.isEmpty();
    }

    /** {@code line 4}, {@code lines 5-7}, {@code lines 3, 9-10}. */
    public static String lineWords(List<Integer> numbers) {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < numbers.size()) {
            int j = i;
            while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
                j++;
            }
            runs.add(i == j ? String.valueOf(numbers.get(i)) : numbers.get(i) + "-" + numbers.get(j));
            i = j + 1;
        }
        return (numbers.size() == 1 ? "line " : "lines ") + String.join(", ", runs);
    }
}
