package org.tdxemu.scenarios.dmesg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogLineTest {

    private static final String MESSAGE = "virt/tdx: CMR: [0x100000, 0x77800000)";

    @Test
    void everyPrefixDmesgSyslogAndJournaldPutInFrontIsTakenOff() {
        for (String raw : List.of(
                MESSAGE,
                "[   31.199911] " + MESSAGE,
                "[    0.000000] " + MESSAGE,
                "[123456.789012] " + MESSAGE,
                "Dec 04 12:00:00 host kernel: " + MESSAGE,
                "Dec  4 12:00:00 host kernel: " + MESSAGE,
                "Dec 04 12:00:00 host kernel: [   31.199911] " + MESSAGE,
                "2026-12-04T12:00:00+0000 host kernel: " + MESSAGE,
                "2026-12-04T12:00:00.123456+01:00 tdx-host.example.com kernel: " + MESSAGE,
                "<6>[   31.199911] " + MESSAGE,
                "<6>" + MESSAGE,
                "kern  :info  : [   31.199911] " + MESSAGE,
                "[Fri Dec  4 12:00:00 2026] " + MESSAGE,
                "[Fri Dec 14 12:00:00 2026] " + MESSAGE,
                "2026-12-04T12:00:00,123456+00:00 " + MESSAGE,
                "[   31.199911] " + MESSAGE + "\r",
                "[   31.199911] " + MESSAGE + "   ")) {
            assertEquals(new LogLine(7, MESSAGE), LogLine.of(7, raw), raw);
        }
    }

    @Test
    void theIndentOfAMessageStaysWhenOnlyTheTimeStampGoes() {
        assertEquals("  node   0: [mem 0x0000000000001000-0x000000000009efff]",
                LogLine.of(1, "[    0.000000]   node   0: [mem 0x0000000000001000-0x000000000009efff]").message());
    }

    @Test
    void aLineWithoutAKnownPrefixIsKeptAsItIs() {
        assertEquals("Dec 04 host: virt/tdx: module initialized",
                LogLine.of(1, "Dec 04 host: virt/tdx: module initialized").message());
        assertEquals("[ 31.1x] virt/tdx: module initialized", LogLine.of(1, "[ 31.1x] virt/tdx: module initialized").message());
    }

    @Test
    void linesAreNumberedFromOneAsEditorsNumberThem() {
        assertEquals(List.of(new LogLine(1, "a"), new LogLine(2, ""), new LogLine(3, "virt/tdx: module initialized")),
                LogLine.split("a\n\n[    2.0] virt/tdx: module initialized\n"));
    }
}
