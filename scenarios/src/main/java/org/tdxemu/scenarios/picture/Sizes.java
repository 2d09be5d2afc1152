package org.tdxemu.scenarios.picture;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Sizes for people, exact: the largest binary unit that divides the size ({@code 136 MiB}, {@code 636 KiB}). */
public final class Sizes {

    private static final String[] UNITS = {"TiB", "GiB", "MiB", "KiB"};
    private static final int[] SHIFTS = {40, 30, 20, 10};

    private Sizes() {
    }

    /** {@code 2 GiB}, {@code 8212 KiB}, {@code 1 byte}, {@code 100 bytes}. */
    public static String of(long bytes) {
        for (int i = 0; i < UNITS.length; i++) {
            long unit = 1L << SHIFTS[i];
            if (bytes != 0 && bytes % unit == 0) {
                return (bytes >>> SHIFTS[i]) + " " + UNITS[i];
            }
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }

    /** To three significant digits in the largest unit it fills: {@code 1.99 TiB}, {@code 636 KiB}, {@code 12 bytes}. */
    public static String rounded(long bytes) {
        for (int i = 0; i < UNITS.length; i++) {
            if (bytes >= 1L << SHIFTS[i]) {
                BigDecimal value = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(1L << SHIFTS[i]));
                return value.round(new MathContext(3, RoundingMode.HALF_EVEN)).stripTrailingZeros().toPlainString()
                        + " " + UNITS[i];
            }
        }
        return of(bytes);
    }
}
