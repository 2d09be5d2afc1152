package org.tdxemu.scenarios.picture;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jsoup.nodes.Element;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.planner.ReservedArea;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.scenarios.output.TextReports;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.Range;

/**
 * Draws a {@link MemoryPicture} as SVG: lanes stacked over one {@link AddressAxis}, from the top
 * RAM by NUMA node (holes striped), the CMRs, the PAMTs (each split into its 4K, 2M and 1G
 * tables, in the colour of the TDMR it serves, with a line down to that TDMR), the TDMRs, each
 * TDMR's reserved areas (holes grey, PAMTs striped in their TDMR's colour) with their count, and
 * the axis with every boundary's address. Every element carries its exact range, size and role as
 * hover text.
 */
public final class MemoryPictureSvg {

    /** The left column, where the lanes are named. */
    public static final double LEFT = 128;
    /** The axis's width when every stretch fits at its minimum. */
    public static final double CHART_WIDTH = 1400;
    private static final double RIGHT = 56;
    private static final double PAD = 16;

    private static final double RAM_HEIGHT = 28;
    private static final double CMR_HEIGHT = 16;
    private static final double PAMT_HEIGHT = 24;
    private static final double LINK_HEIGHT = 34;
    private static final double TDMR_HEIGHT = 30;
    private static final double RESERVED_HEIGHT = 18;
    private static final double COUNT_HEIGHT = 16;
    private static final double LANE_GAP = 8;

    private static final double LABEL_FONT = 12;
    private static final double SMALL_FONT = 10;
    private static final double ADDRESS_FONT = 9.5;
    /** A character of the picture's fonts, as a share of the font size; enough for DejaVu and Liberation. */
    private static final double CHARACTER_WIDTH = 0.62;

    private static final String STRIPES = "stripes";
    private static final String HOLE_STRIPES = "hole-stripes";

    /** A horizontal band of the picture. */
    public record Lane(double top, double height) {
        public double bottom() {
            return top + height;
        }

        public double middle() {
            return top + height / 2;
        }
    }

    /** Where everything is: the axis, each lane, the axis line, and the whole picture's size. */
    public record Layout(AddressAxis axis, Lane ram, Lane cmrs, Lane pamts, Lane tdmrs, Lane reserved, Lane counts,
                         double axisY, double width, double height) {
    }

    private MemoryPictureSvg() {
    }

    /** {@code picture} as a standalone SVG file. */
    public static String file(MemoryPicture picture) {
        return Svg.xml(draw(picture));
    }

    /** {@link #drawStacked} as a standalone SVG file. */
    public static String file(String title, List<MemoryPicture> pictures) {
        return Svg.xml(drawStacked(title, pictures));
    }

    /** Where {@code picture} puts each lane and each address. */
    public static Layout layout(MemoryPicture picture) {
        return layout(picture, axis(List.of(picture)));
    }

    /** One axis for {@code pictures}: every address any of them draws is a boundary of it. */
    static AddressAxis axis(List<MemoryPicture> pictures) {
        SortedSet<Long> boundaries = new TreeSet<>();
        pictures.forEach(picture -> boundaries.addAll(boundaries(picture)));
        return new AddressAxis(boundaries, LEFT, CHART_WIDTH);
    }

    /** Where {@code picture} puts each lane, over {@code axis}. */
    static Layout layout(MemoryPicture picture, AddressAxis axis) {
        List<LegendPlace> legend = legendPlaces(legendItems(picture, axis), axis);
        int legendRows = legend.isEmpty() ? 0 : legend.get(legend.size() - 1).row() + 1;
        double y = legendTop(picture) + legendRows * LEGEND_ROW + 8;
        Lane ram = new Lane(y, RAM_HEIGHT);
        Lane cmrs = new Lane(ram.bottom() + LANE_GAP, CMR_HEIGHT);
        Lane pamts = new Lane(cmrs.bottom() + LANE_GAP + 4, PAMT_HEIGHT);
        Lane tdmrs = new Lane(pamts.bottom() + LINK_HEIGHT, TDMR_HEIGHT);
        Lane reserved = new Lane(tdmrs.bottom() + 4, RESERVED_HEIGHT);
        Lane counts = new Lane(reserved.bottom(), COUNT_HEIGHT);
        double axisY = counts.bottom() + LANE_GAP;
        int longest = axis.boundaries().stream().mapToInt(b -> hex(b).length()).max().orElse(0);
        double height = axisY + 22 + longest * ADDRESS_FONT * CHARACTER_WIDTH + PAD;
        return new Layout(axis, ram, cmrs, pamts, tdmrs, reserved, counts, axisY, Math.ceil(axis.right() + RIGHT),
                Math.ceil(height));
    }

    /** {@code picture} as an {@code <svg>} element, for a file or an HTML page. */
    public static Element draw(MemoryPicture picture) {
        Layout layout = layout(picture);
        Element svg = background(picture.title(), layout.width(), layout.height());
        panel(svg, picture, layout);
        return svg;
    }

    /**
     * Pictures of one host, one above the other over one axis, so that an address lies at the same
     * x in each and a boundary one of them draws is a line through all of them.
     */
    public static Element drawStacked(String title, List<MemoryPicture> pictures) {
        AddressAxis axis = axis(pictures);
        List<Layout> layouts = pictures.stream().map(picture -> layout(picture, axis)).toList();
        double width = layouts.stream().mapToDouble(Layout::width).max().orElse(0);
        double height = layouts.stream().mapToDouble(Layout::height).sum();
        Element svg = background(title, width, height);
        double top = 0;
        for (int i = 0; i < pictures.size(); i++) {
            if (i > 0) {
                line(svg, 0, top, width, top).attr("stroke", Palette.INK).attr("stroke-width", "1");
            }
            Element panel = Svg.child(svg, "g").attr("class", "panel")
                    .attr("transform", "translate(0 " + Svg.number(top) + ")");
            panel(panel, pictures.get(i), layouts.get(i));
            top += layouts.get(i).height();
        }
        return svg;
    }

    /** An {@code <svg>} of that size with the picture's fonts, patterns and white ground, titled {@code title}. */
    private static Element background(String title, double width, double height) {
        Element svg = Svg.root(width, height)
                .attr("font-family", "DejaVu Sans, Liberation Sans, Arial, sans-serif");
        Svg.child(svg, "title").text(title);
        definitions(svg);
        Svg.child(svg, "rect").attr("width", "100%").attr("height", "100%").attr("fill", "#ffffff");
        return svg;
    }

    /** Everything {@code picture} shows, laid out by {@code layout}, into {@code svg}. */
    private static void panel(Element svg, MemoryPicture picture, Layout layout) {
        text(svg, PAD, PAD + 14, picture.title(), 15, Palette.INK).attr("font-weight", "bold");
        picture.trouble().ifPresent(why -> text(svg, PAD, PAD + 34, why, 13, Palette.TROUBLE));
        legend(svg, picture, layout);
        grid(svg, layout);
        laneNames(svg, layout);
        ram(svg, picture, layout);
        cmrs(svg, picture, layout);
        pamts(svg, picture, layout);
        tdmrs(svg, picture, layout);
        reservedAreas(svg, picture, layout);
        axis(svg, layout);
    }

    /** Every address the picture draws: the axis's boundaries. */
    static SortedSet<Long> boundaries(MemoryPicture picture) {
        SortedSet<Long> boundaries = new TreeSet<>();
        picture.ram().forEach(r -> add(boundaries, r.range()));
        picture.inUse().forEach(r -> add(boundaries, r));
        picture.cmrs().forEach(r -> add(boundaries, r));
        for (Tdmr tdmr : picture.tdmrs()) {
            add(boundaries, tdmr.range());
            if (!tdmr.pamtChunk().isEmpty()) {
                for (PageSize ps : PageSize.values()) {
                    add(boundaries, tdmr.pamt(ps));
                }
            }
            tdmr.reservedAreas().forEach(area -> add(boundaries, MemoryPicture.range(tdmr, area)));
        }
        picture.unplacedAreas().forEach(r -> add(boundaries, r));
        picture.leftOut().ifPresent(r -> add(boundaries, r));
        return boundaries;
    }

    private static void add(SortedSet<Long> boundaries, Range range) {
        boundaries.add(range.start());
        boundaries.add(range.end());
    }

    private static void definitions(Element svg) {
        Element defs = Svg.child(svg, "defs");
        stripes(defs, STRIPES, "#ffffff", "0.55");
        stripes(defs, HOLE_STRIPES, Palette.HOLE_STRIPES, "1");
    }

    private static void stripes(Element defs, String id, String colour, String opacity) {
        Element pattern = Svg.child(defs, "pattern").attr("id", id).attr("width", "6").attr("height", "6");
        Svg.camelCase(pattern, "patternUnits", "userSpaceOnUse");
        Svg.camelCase(pattern, "patternTransform", "rotate(45)");
        Svg.child(pattern, "rect").attr("x", "0").attr("y", "0").attr("width", "2").attr("height", "6")
                .attr("fill", colour).attr("fill-opacity", opacity);
    }

    // The legend: one swatch and a few words for each kind of thing the picture holds.

    private record LegendItem(String label, List<String> fills, String overlay) {
    }

    private static List<LegendItem> legendItems(MemoryPicture picture, AddressAxis axis) {
        List<LegendItem> items = new ArrayList<>();
        picture.ram().stream().mapToInt(MemoryRegion::node).distinct().sorted()
                .forEach(node -> items.add(new LegendItem("RAM, node " + node, List.of(Palette.node(node)), null)));
        if (!holes(picture, axis).isEmpty()) {
            items.add(new LegendItem("no RAM (a hole)", List.of(Palette.HOLE), HOLE_STRIPES));
        }
        if (!picture.inUse().isEmpty()) {
            items.add(new LegendItem("RAM in use at boot", List.of(Palette.IN_USE), null));
        }
        if (!picture.cmrs().isEmpty()) {
            items.add(new LegendItem("CMR (convertible memory)", List.of(Palette.CMR), null));
        }
        if (picture.tdmrs().stream().anyMatch(t -> !t.pamtChunk().isEmpty())) {
            items.add(new LegendItem("PAMT 4K, 2M, 1G, in its TDMR's colour", Palette.pamt(0), null));
        }
        if (!picture.tdmrs().isEmpty()) {
            items.add(new LegendItem("TDMR", List.of(Palette.tdmr(0), Palette.tdmr(1)), null));
        }
        List<Tdmr> tdmrs = picture.tdmrs();
        List<Range> areas = tdmrs.stream()
                .flatMap(t -> t.reservedAreas().stream().map(area -> MemoryPicture.range(t, area))).toList();
        if (areas.stream().anyMatch(area -> picture.pamtOwner(area).isEmpty())) {
            items.add(new LegendItem("reserved area: a hole", List.of(Palette.RESERVED_HOLE), null));
        }
        if (areas.stream().anyMatch(area -> picture.pamtOwner(area).isPresent())) {
            items.add(new LegendItem("reserved area: a PAMT", List.of(Palette.tdmr(0)), STRIPES));
        }
        if (!picture.unplacedAreas().isEmpty()) {
            items.add(new LegendItem("reserved area with no room", List.of(Palette.TROUBLE), STRIPES));
        }
        if (picture.leftOut().isPresent()) {
            items.add(new LegendItem("RAM no TDMR covers", List.of(Palette.TROUBLE), null));
        }
        return items;
    }

    private static final double SWATCH = 12;
    private static final double LEGEND_ROW = 18;

    /** Where a legend item goes: its x and its row. */
    private record LegendPlace(double x, int row) {
    }

    /** Each legend item's place, the items wrapped to the axis's width. */
    private static List<LegendPlace> legendPlaces(List<LegendItem> items, AddressAxis axis) {
        List<LegendPlace> places = new ArrayList<>();
        double x = PAD;
        int row = 0;
        for (LegendItem item : items) {
            double width = item.fills().size() * SWATCH + 6 + textWidth(item.label(), SMALL_FONT) + 18;
            if (x + width > axis.right() && x > PAD) {
                x = PAD;
                row++;
            }
            places.add(new LegendPlace(x, row));
            x += width;
        }
        return places;
    }

    /** Where the legend starts: under the title and, when there is one, the line that says what went wrong. */
    private static double legendTop(MemoryPicture picture) {
        return PAD + 20 + (picture.trouble().isPresent() ? 20 : 0) + 8;
    }

    private static void legend(Element svg, MemoryPicture picture, Layout layout) {
        Element legend = Svg.child(svg, "g").attr("class", "legend");
        List<LegendItem> items = legendItems(picture, layout.axis());
        List<LegendPlace> places = legendPlaces(items, layout.axis());
        for (int i = 0; i < items.size(); i++) {
            LegendItem item = items.get(i);
            double x = places.get(i).x();
            double y = legendTop(picture) + places.get(i).row() * LEGEND_ROW;
            for (String fill : item.fills()) {
                rect(legend, x, y, SWATCH, SWATCH, fill);
                if (item.overlay() != null) {
                    rect(legend, x, y, SWATCH, SWATCH, "url(#" + item.overlay() + ")");
                }
                x += SWATCH;
            }
            text(legend, x + 6, y + 10, item.label(), SMALL_FONT, Palette.INK);
        }
    }

    private static void grid(Element svg, Layout layout) {
        Element grid = Svg.child(svg, "g").attr("class", "grid").attr("stroke", Palette.FAINT)
                .attr("stroke-width", "1");
        for (long boundary : layout.axis().boundaries()) {
            double x = layout.axis().x(boundary);
            line(grid, x, layout.ram().top(), x, layout.axisY());
        }
    }

    private static void laneNames(Element svg, Layout layout) {
        Element names = Svg.child(svg, "g").attr("class", "lane-names").attr("text-anchor", "end");
        double x = LEFT - 10;
        laneName(names, x, layout.ram(), "RAM", "by NUMA node");
        laneName(names, x, layout.cmrs(), "CMRs", null);
        laneName(names, x, layout.pamts(), "PAMTs", "4K, 2M, 1G");
        laneName(names, x, layout.tdmrs(), "TDMRs", null);
        laneName(names, x, new Lane(layout.reserved().top(), layout.reserved().height() + layout.counts().height()),
                "reserved", "areas (used/max)");
        text(names, x, layout.axisY() + 4, "address", LABEL_FONT, Palette.INK);
    }

    private static void laneName(Element names, double x, Lane lane, String name, String more) {
        if (more == null) {
            text(names, x, lane.middle() + 4, name, LABEL_FONT, Palette.INK).attr("font-weight", "bold");
        } else {
            text(names, x, lane.middle() - 1, name, LABEL_FONT, Palette.INK).attr("font-weight", "bold");
            text(names, x, lane.middle() + 10, more, SMALL_FONT - 1, Palette.INK);
        }
    }

    // The lanes.

    private static void ram(Element svg, MemoryPicture picture, Layout layout) {
        Element lane = lane(svg, "ram");
        Lane ram = layout.ram();
        AddressAxis axis = layout.axis();
        for (Range hole : holes(picture, axis)) {
            Element g = Svg.child(lane, "g");
            Svg.title(g, "hole " + hole + ", " + Sizes.of(hole.size()) + ": no RAM here");
            rect(g, axis.x(hole.start()), ram.top(), width(axis, hole), ram.height(), Palette.HOLE);
            rect(g, axis.x(hole.start()), ram.top(), width(axis, hole), ram.height(), "url(#" + HOLE_STRIPES + ")");
        }
        for (MemoryRegion region : picture.ram()) {
            Range range = region.range();
            Element rect = rect(lane, axis.x(range.start()), ram.top(), width(axis, range), ram.height(),
                    Palette.node(region.node())).attr("stroke", "#ffffff").attr("stroke-width", "0.5");
            Svg.title(rect, "RAM " + range + ", " + Sizes.of(range.size()) + ", NUMA node " + region.node());
            fittedText(lane, axis.x(range.start()), width(axis, range), ram.middle() + 4,
                    List.of("node " + region.node()), SMALL_FONT, Palette.INK);
        }
        for (Range used : picture.inUse()) {
            Element rect = rect(lane, axis.x(used.start()), ram.top() + ram.height() * 0.6, width(axis, used),
                    ram.height() * 0.4, Palette.IN_USE);
            Svg.title(rect, "in use at boot " + used + ", " + Sizes.of(used.size())
                    + ": RAM the page allocator never hands out (kernel image, firmware)");
        }
    }

    private static void cmrs(Element svg, MemoryPicture picture, Layout layout) {
        Element lane = lane(svg, "cmrs");
        Lane cmrs = layout.cmrs();
        AddressAxis axis = layout.axis();
        for (int i = 0; i < picture.cmrs().size(); i++) {
            Range cmr = picture.cmrs().get(i);
            Element rect = rect(lane, axis.x(cmr.start()), cmrs.top(), width(axis, cmr), cmrs.height(), Palette.CMR)
                    .attr("stroke", "#ffffff").attr("stroke-width", "0.5");
            Svg.title(rect, "CMR " + i + " " + cmr + ", " + Sizes.of(cmr.size())
                    + ": convertible memory, where TDX may put private pages and PAMTs");
            fittedText(lane, axis.x(cmr.start()), width(axis, cmr), cmrs.middle() + 3.5,
                    List.of("CMR " + i, String.valueOf(i)), SMALL_FONT, "#ffffff");
        }
    }

    private static void pamts(Element svg, MemoryPicture picture, Layout layout) {
        Element lane = lane(svg, "pamts");
        Element links = Svg.child(svg, "g").attr("class", "links").attr("fill", "none");
        Lane pamts = layout.pamts();
        AddressAxis axis = layout.axis();
        List<Tdmr> tdmrs = picture.tdmrs();
        String freed = picture.pamtsFreed() ? " (freed again when the kernel gave up)" : "";
        for (int i = 0; i < tdmrs.size(); i++) {
            Tdmr tdmr = tdmrs.get(i);
            Range chunk = tdmr.pamtChunk();
            if (chunk.isEmpty()) {
                continue;
            }
            String from = picture.ram().stream().filter(r -> r.range().contains(chunk)).findFirst()
                    .map(r -> "allocated from NUMA node " + r.node() + "'s RAM " + r.range())
                    .orElse("outside every RAM region");
            List<String> colours = Palette.pamt(i);
            PageSize[] sizes = PageSize.values();
            for (int level = 0; level < sizes.length; level++) {
                Range table = tdmr.pamt(sizes[level]);
                Element g = Svg.child(lane, "g");
                Svg.title(g, "TDMR " + i + "'s " + sizes[level].label() + " PAMT " + table + ", " + Sizes.of(table.size())
                        + ": an entry for every " + Sizes.of(sizes[level].bytes()) + " page of TDMR " + i
                        + "; the chunk is " + from + freed);
                rect(g, axis.x(table.start()), pamts.top(), width(axis, table), pamts.height(), colours.get(level));
                fittedText(g, axis.x(table.start()), width(axis, table), pamts.middle() + 3.5,
                        List.of(sizes[level].label()), SMALL_FONT, Palette.textOn(colours.get(level)));
            }
            link(links, picture, layout, i);
        }
    }

    /**
     * The line from TDMR {@code i}'s PAMT down to the TDMR: straight down when the PAMT lies inside
     * it, else curving to the TDMR's middle.
     */
    private static void link(Element links, MemoryPicture picture, Layout layout, int i) {
        AddressAxis axis = layout.axis();
        Tdmr tdmr = picture.tdmrs().get(i);
        Range chunk = tdmr.pamtChunk();
        boolean inside = tdmr.range().contains(chunk);
        double x0 = (axis.x(chunk.start()) + axis.x(chunk.end())) / 2;
        double x1 = inside ? x0 : (axis.x(tdmr.base()) + axis.x(tdmr.end())) / 2;
        double y0 = layout.pamts().bottom();
        double y1 = layout.tdmrs().top();
        double middle = (y0 + y1) / 2;
        Element path = Svg.child(links, "path").attr("d", "M" + point(x0, y0) + " C" + point(x0, middle) + " "
                + point(x1, middle) + " " + point(x1, y1)).attr("stroke", Palette.tdmr(i)).attr("stroke-width", "2");
        String where = inside ? ", inside it" : holder(picture.tdmrs(), chunk)
                .map(h -> "; it lies in TDMR " + h + ", as one of its reserved areas").orElse("; it lies outside every TDMR");
        Svg.title(path, "TDMR " + i + "'s PAMT " + chunk + ", " + Sizes.of(chunk.size()) + ", serves TDMR " + i + where);
        Svg.child(links, "circle").attr("cx", Svg.number(x1)).attr("cy", Svg.number(y1 - 2.5)).attr("r", "2.5")
                .attr("fill", Palette.tdmr(i));
    }

    private static String point(double x, double y) {
        return Svg.number(x) + "," + Svg.number(y);
    }

    private static void tdmrs(Element svg, MemoryPicture picture, Layout layout) {
        Element lane = lane(svg, "tdmrs");
        Lane tdmrLane = layout.tdmrs();
        AddressAxis axis = layout.axis();
        List<Tdmr> tdmrs = picture.tdmrs();
        for (int i = 0; i < tdmrs.size(); i++) {
            Tdmr tdmr = tdmrs.get(i);
            Element g = Svg.child(lane, "g");
            StringBuilder title = new StringBuilder("TDMR " + i + " " + tdmr.range() + ", " + Sizes.of(tdmr.size()) + ": "
                    + TextReports.count(tdmr.reservedAreas().size(), "reserved area") + " of the " + picture.reservedAreasPerTdmr()
                    + " the module takes");
            if (tdmr.pamtChunk().isEmpty()) {
                title.append("; no PAMT allocated yet");
            } else {
                title.append("; PAMT ").append(tdmr.pamtChunk());
            }
            Svg.title(g, title.toString());
            rect(g, axis.x(tdmr.base()), tdmrLane.top(), width(axis, tdmr.range()), tdmrLane.height(), Palette.tdmr(i))
                    .attr("stroke", "#ffffff").attr("stroke-width", "1");
            fittedText(g, axis.x(tdmr.base()), width(axis, tdmr.range()), tdmrLane.middle() + 4.5,
                    List.of("TDMR " + i, String.valueOf(i)), LABEL_FONT, Palette.textOn(Palette.tdmr(i)))
                    .ifPresent(MemoryPictureSvg::bold);
        }
        picture.troubledTdmr().ifPresent(i -> {
            Tdmr tdmr = tdmrs.get(i);
            Element mark = rect(lane, axis.x(tdmr.base()) + 1.5, tdmrLane.top() + 1.5, width(axis, tdmr.range()) - 3,
                    tdmrLane.height() + 4 + RESERVED_HEIGHT - 3, "none").attr("stroke", Palette.TROUBLE)
                    .attr("stroke-width", "3");
            Svg.title(mark, "TDMR " + i + " " + tdmr.range() + ": " + picture.trouble().orElse("where it failed"));
        });
        picture.leftOut().ifPresent(range -> {
            Element g = Svg.child(lane, "g");
            Svg.title(g, "RAM from " + String.format("0x%x", range.start()) + " up, " + range + ": no TDMR covers it: "
                    + picture.trouble().orElse("the module takes no more TDMRs"));
            rect(g, axis.x(range.start()) + 1.5, tdmrLane.top() + 1.5, width(axis, range) - 3, tdmrLane.height() - 3,
                    "none").attr("stroke", Palette.TROUBLE).attr("stroke-width", "3").attr("stroke-dasharray", "6 3");
            fittedText(g, axis.x(range.start()), width(axis, range), tdmrLane.middle() + 4.5,
                    List.of("no TDMR: left out", "no TDMR", "none"), LABEL_FONT, Palette.TROUBLE)
                    .ifPresent(MemoryPictureSvg::bold);
        });
    }

    private static void reservedAreas(Element svg, MemoryPicture picture, Layout layout) {
        Element lane = lane(svg, "reserved");
        Element counts = Svg.child(svg, "g").attr("class", "counts");
        AddressAxis axis = layout.axis();
        List<Tdmr> tdmrs = picture.tdmrs();
        for (int i = 0; i < tdmrs.size(); i++) {
            Tdmr tdmr = tdmrs.get(i);
            List<ReservedArea> areas = tdmr.reservedAreas();
            Element frame = rect(lane, axis.x(tdmr.base()), layout.reserved().top(), width(axis, tdmr.range()),
                    layout.reserved().height(), "#ffffff").attr("stroke", Palette.tdmr(i)).attr("stroke-width", "1");
            Svg.title(frame, "TDMR " + i + " " + tdmr.range() + "'s reserved areas: " + areas.size() + " of the "
                    + picture.reservedAreasPerTdmr() + " the module takes");
            for (int a = 0; a < areas.size(); a++) {
                Range range = MemoryPicture.range(tdmr, areas.get(a));
                Optional<Integer> owner = picture.pamtOwner(range);
                String fill = owner.map(Palette::tdmr).orElse(Palette.RESERVED_HOLE);
                Element g = area(lane, layout, range, fill, owner.isPresent(), a + 1, Palette.textOn(fill));
                Svg.title(g, "TDMR " + i + ", reserved area " + (a + 1) + " of " + areas.size() + ": " + range + ", "
                        + Sizes.of(range.size()) + ", offset " + String.format("+0x%x", areas.get(a).offset()) + ": "
                        + what(owner));
            }
            count(counts, picture, layout, i);
        }
        picture.troubledTdmr().ifPresent(troubled -> {
            List<Range> unplaced = picture.unplacedAreas();
            int added = tdmrs.get(troubled).reservedAreas().size();
            for (int u = 0; u < unplaced.size(); u++) {
                Range range = unplaced.get(u);
                Element g = area(lane, layout, range, Palette.TROUBLE, true, added + u + 1, "#ffffff");
                g.select("text").forEach(MemoryPictureSvg::bold);
                Svg.title(g, "TDMR " + troubled + " needs this reserved area too, and has no room for it: " + range
                        + ", " + Sizes.of(range.size()) + ": " + what(picture.pamtOwner(range)));
            }
        });
    }

    /** A reserved area: its box, striped when it is a PAMT, and its number when it fits. */
    private static Element area(Element lane, Layout layout, Range range, String fill, boolean striped, int number,
                                String ink) {
        AddressAxis axis = layout.axis();
        Lane reserved = layout.reserved();
        Element g = Svg.child(lane, "g");
        rect(g, axis.x(range.start()), reserved.top(), width(axis, range), reserved.height(), fill);
        if (striped) {
            rect(g, axis.x(range.start()), reserved.top(), width(axis, range), reserved.height(), "url(#" + STRIPES + ")");
        }
        fittedText(g, axis.x(range.start()), width(axis, range), reserved.middle() + 3.5, List.of(String.valueOf(number)),
                ADDRESS_FONT, ink);
        return g;
    }

    /** What a reserved area is: a hole, or the PAMT of the TDMR that owns it. */
    private static String what(Optional<Integer> pamtOwner) {
        return pamtOwner.map(o -> "TDMR " + o + "'s PAMT").orElse("a hole (no RAM)");
    }

    /**
     * Under TDMR {@code i}'s reserved areas, how many it holds of what the module takes; how many it
     * needs, in red, when they did not fit; or that the kernel never reached it.
     */
    private static void count(Element counts, MemoryPicture picture, Layout layout, int i) {
        Tdmr tdmr = picture.tdmrs().get(i);
        boolean troubled = picture.troubledTdmr().equals(OptionalInt.of(i));
        int needed = tdmr.reservedAreas().size() + (troubled ? picture.unplacedAreas().size() : 0);
        int max = picture.reservedAreasPerTdmr();
        double x = layout.axis().x(tdmr.base());
        double width = width(layout.axis(), tdmr.range());
        double y = layout.counts().middle() + 4;
        if (i >= picture.filledIn() && !troubled) {
            fittedText(counts, x, width, y, List.of("not reached", "none"), SMALL_FONT, "#777777").ifPresent(text ->
                    Svg.title(text, "the kernel stopped before it filled in TDMR " + i + "'s reserved areas"));
        } else if (needed > max) {
            fittedText(counts, x, width, y, List.of("needs " + needed + ", room for " + max, needed + " > " + max,
                    needed + "!"), SMALL_FONT, Palette.TROUBLE).ifPresent(MemoryPictureSvg::bold);
        } else {
            fittedText(counts, x, width, y, List.of(needed + " of " + max + " reserved areas", needed + " of " + max,
                    needed + "/" + max, String.valueOf(needed)), SMALL_FONT, Palette.INK);
        }
    }

    private static void axis(Element svg, Layout layout) {
        Element g = Svg.child(svg, "g").attr("class", "axis");
        AddressAxis axis = layout.axis();
        double y = layout.axisY();
        line(g, axis.left(), y, axis.right(), y).attr("stroke", Palette.INK).attr("stroke-width", "1");
        for (AddressAxis.Stretch stretch : axis.stretches()) {
            Element hit = rect(g, stretch.x0(), y - 6, stretch.width(), 12, "#ffffff").attr("fill-opacity", "0");
            Svg.title(hit, stretch.range() + ", " + Sizes.of(stretch.range().size())
                    + (stretch.compressed() ? ", drawn shorter than to scale" : ""));
            double middle = (stretch.x0() + stretch.x1()) / 2;
            if (stretch.compressed()) {
                rect(g, middle - 3, y - 4, 6, 8, "#ffffff");
                line(g, middle - 5, y + 5, middle - 1, y - 5).attr("stroke", Palette.INK);
                line(g, middle + 1, y + 5, middle + 5, y - 5).attr("stroke", Palette.INK);
            }
            fittedText(g, stretch.x0(), stretch.width(), y + 16, List.of(Sizes.rounded(stretch.range().size())),
                    ADDRESS_FONT, "#555555");
        }
        for (long boundary : axis.boundaries()) {
            double x = axis.x(boundary);
            line(g, x, y - 4, x, y + 4).attr("stroke", Palette.INK);
            double top = y + 22;
            text(g, x + ADDRESS_FONT * 0.35, top, hex(boundary), ADDRESS_FONT, Palette.INK)
                    .attr("font-family", "DejaVu Sans Mono, Liberation Mono, monospace").attr("text-anchor", "end")
                    .attr("transform", "rotate(-90 " + Svg.number(x + ADDRESS_FONT * 0.35) + " " + Svg.number(top) + ")");
        }
    }

    // Helpers.

    /** The parts of the axis no memory region covers. */
    static List<Range> holes(MemoryPicture picture, AddressAxis axis) {
        return MemoryPicture.subtract(new Range(axis.start(), axis.end()),
                picture.ram().stream().map(MemoryRegion::range).toList());
    }

    /** The TDMR whose range holds {@code range}, if any. */
    private static Optional<Integer> holder(List<Tdmr> tdmrs, Range range) {
        for (int i = 0; i < tdmrs.size(); i++) {
            if (tdmrs.get(i).range().contains(range)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private static Element lane(Element svg, String name) {
        return Svg.child(svg, "g").attr("class", name).attr("shape-rendering", "crispEdges");
    }

    private static double width(AddressAxis axis, Range range) {
        return axis.x(range.end()) - axis.x(range.start());
    }

    private static Element rect(Element parent, double x, double y, double width, double height, String fill) {
        return Svg.child(parent, "rect").attr("x", Svg.number(x)).attr("y", Svg.number(y))
                .attr("width", Svg.number(width)).attr("height", Svg.number(height)).attr("fill", fill);
    }

    private static Element line(Element parent, double x1, double y1, double x2, double y2) {
        return Svg.child(parent, "line").attr("x1", Svg.number(x1)).attr("y1", Svg.number(y1))
                .attr("x2", Svg.number(x2)).attr("y2", Svg.number(y2));
    }

    private static Element text(Element parent, double x, double y, String text, double size, String colour) {
        return Svg.child(parent, "text").attr("x", Svg.number(x)).attr("y", Svg.number(y))
                .attr("font-size", Svg.number(size)).attr("fill", colour).text(text);
    }

    /**
     * The first of {@code choices} that fits in a box {@code width} wide starting at {@code x},
     * centred in it; nothing when none fits.
     */
    private static Optional<Element> fittedText(Element parent, double x, double width, double y, List<String> choices,
                                                double size, String colour) {
        for (String choice : choices) {
            if (textWidth(choice, size) + 4 <= width) {
                return Optional.of(text(parent, x + width / 2, y, choice, size, colour).attr("text-anchor", "middle"));
            }
        }
        return Optional.empty();
    }

    private static void bold(Element text) {
        text.attr("font-weight", "bold");
    }

    private static double textWidth(String text, double size) {
        return text.length() * size * CHARACTER_WIDTH;
    }

    private static String hex(long value) {
        return String.format("0x%x", value);
    }
}
