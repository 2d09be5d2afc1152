package org.tdxemu.scenarios.picture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.picture.MemoryPictureSvg.Layout;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.Range;

/**
 * The picture drawn by Apache Batik, checked pixel by pixel where the layout says each thing is:
 * every TDMR's colour over its own addresses and nowhere else in its lane, every PAMT table inside
 * the RAM it was allocated from, and what went wrong drawn in red where it went wrong.
 */
class MemoryPictureSvgTest {

    /** Pixels kept clear of an edge, where a neighbour or an outline may be drawn. */
    private static final int MARGIN = 4;

    private static MemoryPicture plan(String name) {
        Scenario scenario = Library.load(name);
        return MemoryPicture.ofPlan(scenario, ScenarioRunner.plan(scenario));
    }

    static List<String> bundled() {
        return Library.names();
    }

    @ParameterizedTest
    @MethodSource("bundled")
    void everyTdmrsColourFillsItsAddressesInTheTdmrLaneAndNoOtherTdmrsDoes(String name) {
        MemoryPicture picture = plan(name);
        Layout layout = MemoryPictureSvg.layout(picture);
        Rendered png = Rendered.of(MemoryPictureSvg.file(picture));
        assertEquals((int) Math.ceil(layout.width()), png.width());
        int y = (int) layout.tdmrs().top() + 6;
        List<Tdmr> tdmrs = picture.tdmrs();
        assertFalse(tdmrs.isEmpty());
        Set<String> tdmrColours = new TreeSet<>(Palette.TDMRS);
        for (int i = 0; i < tdmrs.size(); i++) {
            Tdmr tdmr = tdmrs.get(i);
            int x0 = (int) Math.ceil(layout.axis().x(tdmr.base())) + MARGIN;
            int x1 = (int) Math.floor(layout.axis().x(tdmr.end())) - MARGIN;
            assertTrue(x1 - x0 > 4, "TDMR " + i + " is drawn wide enough to see");
            for (int x = x0; x <= x1; x++) {
                assertEquals(Palette.tdmr(i), png.colour(x, y), name + ": TDMR " + i + " " + tdmr.range() + " at x " + x);
            }
        }
        for (Range between : MemoryPicture.subtract(new Range(layout.axis().start(), layout.axis().end()),
                tdmrs.stream().map(Tdmr::range).toList())) {
            int x0 = (int) Math.ceil(layout.axis().x(between.start())) + MARGIN;
            int x1 = (int) Math.floor(layout.axis().x(between.end())) - MARGIN;
            for (int x = x0; x <= x1; x++) {
                assertFalse(tdmrColours.contains(png.colour(x, y)), name + ": no TDMR covers " + between + ", at x " + x);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("bundled")
    void everyPamtTableIsDrawnInsideTheRamItWasAllocatedFromInItsTdmrsShades(String name) {
        MemoryPicture picture = plan(name);
        Layout layout = MemoryPictureSvg.layout(picture);
        Rendered png = Rendered.of(MemoryPictureSvg.file(picture));
        int y = (int) layout.pamts().top() + 3;
        int ramY = (int) layout.ram().top() + 3;
        List<Tdmr> tdmrs = picture.tdmrs();
        for (int i = 0; i < tdmrs.size(); i++) {
            Tdmr tdmr = tdmrs.get(i);
            if (tdmr.pamtChunk().isEmpty()) {
                continue;
            }
            MemoryRegion home = picture.ram().stream().filter(r -> r.range().contains(tdmr.pamtChunk())).findFirst()
                    .orElseThrow();
            double ramLeft = layout.axis().x(home.start());
            double ramRight = layout.axis().x(home.end());
            List<String> shades = Palette.pamt(i);
            int seen = 0;
            for (int x = 0; x < png.width(); x++) {
                if (shades.contains(png.colour(x, y))) {
                    seen++;
                    assertTrue(x >= ramLeft && x < ramRight, name + ": TDMR " + i + "'s PAMT at x " + x
                            + " lies outside its RAM " + home.range() + " [" + ramLeft + ", " + ramRight + ")");
                    if (x > ramLeft && x < ramRight - 1) {
                        assertEquals(Palette.node(home.node()), png.colour(x, ramY),
                                name + ": RAM of node " + home.node() + " above TDMR " + i + "'s PAMT at x " + x);
                    }
                }
            }
            PageSize[] sizes = PageSize.values();
            for (int level = 0; level < sizes.length; level++) {
                Range table = tdmr.pamt(sizes[level]);
                int middle = (int) Math.round((layout.axis().x(table.start()) + layout.axis().x(table.end())) / 2);
                assertEquals(shades.get(level), png.colour(middle, y), name + ": TDMR " + i + "'s " + sizes[level].label()
                        + " PAMT " + table);
            }
            assertTrue(seen >= 3 * AddressAxis.MIN_STRETCH - 3, name + ": TDMR " + i + "'s PAMT is " + seen + " pixels wide");
        }
    }

    @Test
    void theTdmrThatRanOutOfReservedAreasIsOutlinedInRedAndTheAreaWithNoRoomIsRed() {
        MemoryPicture picture = plan("emr-17-holes");
        assertEquals(List.of(new Range(0x6f800000L, 0x80000000L)), picture.unplacedAreas());
        Layout layout = MemoryPictureSvg.layout(picture);
        Rendered png = Rendered.of(MemoryPictureSvg.file(picture));
        int outline = (int) layout.tdmrs().top() + 2;
        int x0 = (int) Math.ceil(layout.axis().x(0)) + MARGIN;
        int x1 = (int) Math.floor(layout.axis().x(0x80000000L)) - MARGIN;
        for (int x = x0; x <= x1; x++) {
            assertEquals(Palette.TROUBLE, png.colour(x, outline), "TDMR 0's outline at x " + x);
        }
        int unplacedLeft = (int) Math.ceil(layout.axis().x(0x6f800000L)) + 1;
        int unplacedRight = (int) Math.floor(layout.axis().x(0x80000000L)) - MARGIN;
        int red = 0;
        int y = (int) layout.reserved().top() + 2;
        for (int x = unplacedLeft; x <= unplacedRight; x++) {
            red += png.colour(x, y).equals(Palette.TROUBLE) ? 1 : 0;
        }
        assertTrue(red > (unplacedRight - unplacedLeft) / 3, "the 17th area is red: " + red + " pixels");
        Document svg = parse(MemoryPictureSvg.file(picture));
        assertEquals(List.of("needs 17, room for 16", "not reached"), ownTexts(svg, "g.counts > text"));
        assertEquals("TDMR [0x0, 0x80000000) needs 17 reserved areas, the module takes 16",
                svg.select("svg > text").get(1).text());
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17"),
                svg.select("g.reserved text").eachText());
    }

    @Test
    void ramNoTdmrCoversIsOutlinedInRedWhenTheModuleTakesNoMoreTdmrs() {
        MemoryPicture picture = plan("tdmrs-exhausted");
        assertEquals(java.util.Optional.of(new Range(0x1c0000000L, 11L << 30)), picture.leftOut());
        Layout layout = MemoryPictureSvg.layout(picture);
        Rendered png = Rendered.of(MemoryPictureSvg.file(picture));
        int y = (int) layout.tdmrs().top() + 2;
        int x0 = (int) Math.ceil(layout.axis().x(0x1c0000000L)) + MARGIN;
        int x1 = (int) Math.floor(layout.axis().x(11L << 30)) - MARGIN;
        int red = 0;
        for (int x = x0; x <= x1; x++) {
            red += png.colour(x, y).equals(Palette.TROUBLE) ? 1 : 0;
        }
        assertTrue(red > (x1 - x0) / 2, "the dashed outline: " + red + " red pixels of " + (x1 - x0));
        assertEquals(List.of("not reached", "not reached", "not reached", "not reached"),
                ownTexts(parse(MemoryPictureSvg.file(picture)), "g.counts > text"));
    }

    @Test
    void everyDrawnThingHasHoverTextWithItsExactRangeSizeAndRole() {
        Document svg = parse(MemoryPictureSvg.file(plan("two-socket-2t")));
        List<String> untitled = new ArrayList<>();
        for (String lane : List.of("ram", "cmrs", "pamts", "tdmrs", "reserved")) {
            for (Element rect : svg.select("g." + lane + " rect")) {
                Element titled = rect.parent().is("g." + lane) ? rect : rect.parent();
                if (titled.selectFirst("> title") == null) {
                    untitled.add(lane + ": " + rect.outerHtml());
                }
            }
        }
        assertEquals(List.of(), untitled);
        List<String> titles = svg.select("title").eachText();
        for (String expected : List.of(
                "TDMR 1 [0x100000000, 0x10040000000), 1021 GiB: 3 reserved areas of the 16 the module takes; "
                        + "PAMT [0x1ffbfe000, 0x2ff7fc000)",
                "TDMR 1, reserved area 1 of 3: [0x100000000, 0x100805000), 8212 KiB, offset +0x0: TDMR 0's PAMT",
                "TDMR 0, reserved area 2 of 2: [0x77800000, 0x80000000), 136 MiB, offset +0x77800000: a hole (no RAM)",
                "TDMR 2's 4K PAMT [0x10080000000, 0x1017fc00000), 4092 MiB: an entry for every 4 KiB page of TDMR 2; "
                        + "the chunk is allocated from NUMA node 1's RAM [0x10080000000, 0x20040000000)",
                "TDMR 0's PAMT [0x100000000, 0x100805000), 8212 KiB, serves TDMR 0; it lies in TDMR 1, as one of its "
                        + "reserved areas",
                "RAM [0x10080000000, 0x20040000000), 1023 GiB, NUMA node 1",
                "hole [0x77800000, 0x100000000), 2184 MiB: no RAM here",
                "CMR 2 [0x10080000000, 0x20040000000), 1023 GiB: convertible memory, where TDX may put private pages "
                        + "and PAMTs")) {
            assertTrue(titles.contains(expected), expected + "\nnot among\n" + String.join("\n", titles));
        }
    }

    @Test
    void theSameInputDrawsTheSameBytes() {
        assertEquals(MemoryPictureSvg.file(plan("emr-17-holes")), MemoryPictureSvg.file(plan("emr-17-holes")));
        assertEquals(MemoryPictureSvg.file(plan("eight-socket-64t")), MemoryPictureSvg.file(plan("eight-socket-64t")));
    }

    @Test
    void aRunWhoseKernelCouldNotPlanIsDrawnAsThePlannerLeftItUnderTheRunsOwnTitle() {
        Scenario scenario = Library.load("emr-17-holes");
        MemoryPicture run = MemoryPicture.ofRun(scenario, ScenarioRunner.run(scenario));
        MemoryPicture plan = plan("emr-17-holes");
        assertEquals("emr-17-holes: failed with ENOSPC (-28)", run.title());
        assertEquals(plan.tdmrs(), run.tdmrs());
        assertEquals(plan.unplacedAreas(), run.unplacedAreas());
        assertEquals(plan.troubledTdmr(), run.troubledTdmr());
        assertEquals(plan.trouble(), run.trouble());
    }

    @Test
    void aRunThatFailedAfterPlanningShowsItsPlanAndTheSeamcallThatFailedIt() {
        Scenario scenario = Library.load("keygen-fails-package-1");
        MemoryPicture run = MemoryPicture.ofRun(scenario, ScenarioRunner.run(scenario));
        assertEquals("keygen-fails-package-1: failed with EIO (-5), 254456 KB of PAMT in 2 TDMRs (0.39% of 62 GiB of RAM)",
                run.title());
        assertEquals(java.util.Optional.of("the SEAMCALL that failed it: TDH.SYS.KEY.CONFIG on CPU 4: "
                + "TDX_KEY_GENERATION_FAILED"), run.trouble());
        assertEquals(2, run.tdmrs().size());
    }

    /** Each element's own text, without its hover text. */
    private static List<String> ownTexts(Document svg, String query) {
        return svg.select(query).stream().map(Element::ownText).toList();
    }

    private static Document parse(String svg) {
        return Jsoup.parse(svg, "", Parser.xmlParser());
    }
}
