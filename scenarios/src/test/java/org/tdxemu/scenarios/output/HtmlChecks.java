package org.tdxemu.scenarios.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** What every report page must be, and its tables read back as text, through jsoup's HTML parser. */
final class HtmlChecks {

    private HtmlChecks() {
    }

    /** The rows of {@code table}'s section ({@code tbody}, {@code tfoot}), each as the text of its cells. */
    static List<List<String>> rows(Document page, String table, String section) {
        Element found = page.selectFirst("table#" + table);
        if (found == null) {
            throw new AssertionError("no table#" + table);
        }
        return found.select("> " + section + " > tr").stream()
                .map(tr -> tr.select("> td, > th").stream().map(Element::text).toList()).toList();
    }

    /**
     * Self-contained: no script, nothing fetched (no src, no href, no stylesheet link, no url() in
     * the style), a UTF-8 charset and a doctype.
     */
    static void assertSelfContained(Document page) {
        assertEquals(List.of(), page.select("script, link, img, iframe, object, embed").eachAttr("outerHTML"));
        assertEquals(List.of(), page.select("[src], [href], [xlink:href]").stream().map(Element::outerHtml).toList());
        String style = page.select("style").html();
        assertEquals(-1, style.indexOf("url("), style);
        assertEquals(-1, style.indexOf("@import"), style);
        assertEquals("utf-8", page.selectFirst("meta[charset]").attr("charset"));
        assertEquals("html", page.documentType().name());
    }
}
