package org.tdxemu.scenarios.format;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tdxemu.scenarios.spec.ScenarioException;

/**
 * Addresses, sizes and counts as people write them, in scenario files and on the command line: hex
 * ({@code 0x77800000}), decimal ({@code 4096}), or a number with a binary unit ({@code 2G},
 * {@code 512M}, {@code 64T}; K, M, G, T, P, optionally followed by {@code iB} or {@code B}). Every
 * value is an unsigned 64-bit number.
 */
public final class Quantities {

    private static final Pattern HEX = Pattern.compile("0[xX]([0-9a-fA-F_]*)");
    private static final Pattern DECIMAL = Pattern.compile("\\d+");
    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+)\\s*([KMGTP])(?:i?B)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern HEX_DIGITS = Pattern.compile("[0-9a-fA-F]+");

    private Quantities() {
    }

    /**
     * The value {@code text} writes.
     *
     * @throws ScenarioException saying what is wrong with it, without naming where it came from
     */
    public static long parse(String text) {
        String trimmed = text.trim();
        if (isPlainHex(trimmed)) {
            return Long.parseUnsignedLong(trimmed, 2, trimmed.length(), 16);
        }
        if (HEX.matcher(trimmed).matches()) {
            return hex(trimmed);
        }
        if (DECIMAL.matcher(trimmed).matches()) {
            return unsigned(trimmed, 0, trimmed);
        }
        Matcher unit = WITH_UNIT.matcher(trimmed);
        if (unit.matches()) {
            int shift = switch (unit.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                case "T" -> 40;
                default -> 50;
            };
            return unsigned(unit.group(1), shift, trimmed);
        }
        throw new ScenarioException("\"" + text + "\" is not a number: write hex (\"0x77800000\"), decimal, or a size "
                + "with a unit (\"2G\")");
    }

    /**
     * Whether {@code text} is {@code 0x} and 1 to 16 hex digits, as tdxemu writes every address and
     * status: traces hold millions, so these skip the patterns.
     */
    private static boolean isPlainHex(String text) {
        if (text.length() < 3 || text.length() > 18 || text.charAt(0) != '0' || (text.charAt(1) | 0x20) != 'x') {
            return false;
        }
        for (int i = 2; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /** A value written in hex with its {@code 0x}, such as a status {@code 0xC0000A1200050102}. */
    public static long hex(String text) {
        String trimmed = text.trim();
        if (isPlainHex(trimmed)) {
            return Long.parseUnsignedLong(trimmed, 2, trimmed.length(), 16);
        }
        Matcher hex = HEX.matcher(trimmed);
        String digits = hex.matches() ? hex.group(1) : "";
        if (!HEX_DIGITS.matcher(digits).matches()) {
            throw new ScenarioException("hex \"" + text + "\": expected hex digits after 0x");
        }
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 16) {
            throw new ScenarioException("\"" + text + "\" is over 64 bits");
        }
        return Long.parseUnsignedLong(significant, 16);
    }

    private static long unsigned(String digits, int shift, String text) {
        try {
            long value = Long.parseUnsignedLong(digits);
            if (Long.compareUnsigned(value, -1L >>> shift) > 0) {
                throw new ScenarioException("\"" + text + "\" is over 64 bits");
            }
            return value << shift;
        } catch (NumberFormatException e) {
            throw new ScenarioException("\"" + text + "\" is over 64 bits");
        }
    }
}
