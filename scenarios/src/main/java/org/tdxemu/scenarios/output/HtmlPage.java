package org.tdxemu.scenarios.output;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.DocumentType;
import org.jsoup.nodes.Element;

/**
 * A self-contained HTML page as a jsoup tree: its style inline, no script, no font or image
 * fetched from anywhere, so that the file reads the same offline, attached to a bug or years
 * later. jsoup escapes every text and attribute value when it writes the page.
 */
final class HtmlPage {

    /** The whole style sheet: system fonts only, colours that print. */
    private static final String STYLE = """
            body { font-family: system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 14px;
                   color: #222; margin: 24px; max-width: 1700px; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 3px; }
            h3 { font-size: 15px; margin: 20px 0 6px; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
            p.description { color: #555; margin: 0 0 12px; }
            .outcome { padding: 8px 12px; border-radius: 4px; font-weight: bold; }
            .outcome.good { background: #dff0d8; border: 1px solid #9fcf8f; }
            .outcome.bad { background: #f8d7d7; border: 1px solid #e39b9b; }
            table { border-collapse: collapse; margin: 4px 0 8px; }
            th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; vertical-align: top; }
            th { background: #f2f2f2; }
            td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
            td.address, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
            tfoot td { font-weight: bold; background: #fafafa; }
            pre { background: #f7f7f7; border: 1px solid #ddd; padding: 8px; overflow-x: auto; font-size: 13px; }
            .picture { overflow-x: auto; border: 1px solid #ddd; padding: 4px; }
            .picture svg { max-width: 100%; height: auto; }
            .note { color: #555; }
            table.matrix td.cell { text-align: center; font-size: 12px; min-width: 34px; }
            table.matrix th.status { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
                                     font-weight: normal; font-size: 12px; padding: 6px 2px; vertical-align: bottom; }
            .initialized { background: #cdebc5; }
            .errno { background: #fde3a7; }
            .violation { background: #e8615f; color: #fff; font-weight: bold; }
            span.swatch { display: inline-block; width: 14px; height: 14px; vertical-align: middle;
                          border: 1px solid #999; margin: 0 4px 0 12px; }
            """;

    private HtmlPage() {
    }

    /** An empty page titled {@code title}: doctype, language, charset and the style sheet. */
    static Document create(String title) {
        Document page = Document.createShell("");
        page.outputSettings().charset(StandardCharsets.UTF_8).indentAmount(1);
        page.prependChild(new DocumentType("html", "", ""));
        page.selectFirst("html").attr("lang", "en");
        page.head().appendElement("meta").attr("charset", "utf-8");
        page.head().appendElement("title").text(title);
        page.head().appendElement("style").appendChild(new DataNode(STYLE));
        return page;
    }

    /** The page as the file holds it, ending in a newline. */
    static String text(Document page) {
        return page.outerHtml() + "\n";
    }

    /** A table with a header row of {@code columns}; {@code numeric} columns align right. */
    static Element table(Element parent, String id, List<String> columns, List<Integer> numeric) {
        Element table = parent.appendElement("table").attr("id", id);
        Element header = table.appendElement("thead").appendElement("tr");
        for (int i = 0; i < columns.size(); i++) {
            Element th = header.appendElement("th").text(columns.get(i));
            if (numeric.contains(i)) {
                th.addClass("number");
            }
        }
        table.appendElement("tbody");
        return table;
    }

    /** A row of {@code cells} at the end of {@code section} (a tbody or tfoot); {@code numeric} cells align right. */
    static Element row(Element section, List<String> cells, List<Integer> numeric) {
        Element tr = section.appendElement("tr");
        for (int i = 0; i < cells.size(); i++) {
            Element td = tr.appendElement("td").text(cells.get(i));
            if (numeric.contains(i)) {
                td.addClass("number");
            }
        }
        return tr;
    }
}
