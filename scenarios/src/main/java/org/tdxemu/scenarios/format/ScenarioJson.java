package org.tdxemu.scenarios.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a scenario the way the bundled ones read: two-space indents, each field of the top
 * objects and each item of their lists on a line of its own, and anything nested inside a list
 * item ({@code ["0x100000", "0x77800000"]}, a memory region) on one line.
 */
public final class ScenarioJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ScenarioJson() {
    }

    /** {@code document} as text, ending with a newline. */
    public static String write(JsonNode document) {
        try {
            return MAPPER.writer(new Layout()).writeValueAsString(document) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Breaks lines only for containers that are not inside a list. */
    private static final class Layout extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;

        Layout() {
            super(DefaultPrettyPrinter.DEFAULT_SEPARATORS.withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""));
            DefaultPrettyPrinter.Indenter lines = new Broken(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
            indentObjectsWith(lines);
            indentArraysWith(lines);
        }

        Layout(Layout base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new Layout(this);
        }

        /** A list inside a list is written tight, as {@code ["0x100000", "0x77800000"]}. */
        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            if (!insideList(g.getOutputContext())) {
                super.beforeArrayValues(g);
            }
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            if (insideList(g.getOutputContext())) {
                _nesting--;
                g.writeRaw(']');
            } else {
                super.writeEndArray(g, values);
            }
        }
    }

    /** A line break and indent for a container outside any list, a space for one inside a list. */
    private record Broken(DefaultPrettyPrinter.Indenter lines) implements DefaultPrettyPrinter.Indenter {
        @Override
        public void writeIndentation(JsonGenerator g, int level) throws IOException {
            if (insideList(g.getOutputContext())) {
                g.writeRaw(' ');
            } else {
                lines.writeIndentation(g, level);
            }
        }

        @Override
        public boolean isInline() {
            return false;
        }

    }

    private static boolean insideList(JsonStreamContext context) {
        for (JsonStreamContext c = context.getParent(); c != null; c = c.getParent()) {
            if (c.inArray()) {
                return true;
            }
        }
        return false;
    }
}
