package org.tdxemu.scenarios.picture;

import java.util.Locale;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.XmlDeclaration;
import org.jsoup.parser.Parser;
import org.jsoup.parser.Tag;

/**
 * SVG elements as a jsoup tree, which escapes every text and attribute value when it is written:
 * standalone as an XML file, or inline in an HTML page. Each element is a block, so that the file
 * has one element per line and a change to the picture reads as a change to a few lines.
 */
public final class Svg {

    public static final String NAMESPACE = "http://www.w3.org/2000/svg";

    private Svg() {
    }

    /** An {@code <svg>} root of that size in pixels, not yet in any document. */
    static Element root(double width, double height) {
        Element svg = new Element(tag("svg"), "");
        svg.attr("xmlns", NAMESPACE).attr("width", number(width)).attr("height", number(height));
        return camelCase(svg, "viewBox", "0 0 " + number(width) + " " + number(height));
    }

    /**
     * Sets an attribute whose SVG name has capitals ({@code viewBox}, {@code patternUnits}):
     * {@link Element#attr(String, String)} lower-cases names, as HTML attributes are.
     */
    static Element camelCase(Element element, String name, String value) {
        element.attributes().put(name, value);
        return element;
    }

    /** A new {@code name} element, last child of {@code parent}. */
    static Element child(Element parent, String name) {
        Element element = new Element(tag(name), "");
        parent.appendChild(element);
        return element;
    }

    /** The hover text of {@code parent}: an SVG {@code <title>}, its first child. */
    static Element title(Element parent, String text) {
        Element title = new Element(tag("title"), "").text(text);
        parent.prependChild(title);
        return title;
    }

    /** {@code svg} as a standalone SVG file: the XML declaration, the tree, a final newline. */
    public static String xml(Element svg) {
        Document document = new Document("");
        document.outputSettings().syntax(Document.OutputSettings.Syntax.xml).indentAmount(1).charset("UTF-8");
        XmlDeclaration declaration = new XmlDeclaration("xml", false);
        declaration.attr("version", "1.0").attr("encoding", "UTF-8");
        document.appendChild(declaration);
        document.appendChild(svg.clone());
        return document.outerHtml() + "\n";
    }

    /** A coordinate: at most one decimal, none when it is whole, the same on every machine. */
    static String number(double value) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    private static Tag tag(String name) {
        return new Tag(name, Parser.NamespaceSvg).set(Tag.Block);
    }
}
