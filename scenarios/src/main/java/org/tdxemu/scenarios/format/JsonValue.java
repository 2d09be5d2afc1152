package org.tdxemu.scenarios.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.memory.Range;

/**
 * A JSON value read from a user's file, with the path that names it in error messages
 * ({@code platform.cmrs[1]}). Every accessor either returns what the file says or throws a
 * {@link ScenarioException} that names the path and the problem.
 */
public final class JsonValue {

    private final JsonNode json;
    private final String path;
    /** What the whole document is called in messages about its top-level keys. */
    private final String rootName;

    public JsonValue(JsonNode json, String path) {
        this(json, path, "the scenario");
    }

    private JsonValue(JsonNode json, String path, String rootName) {
        this.json = json;
        this.path = path;
        this.rootName = rootName;
    }

    /** A whole document, called {@code rootName} in messages ("the scenario", "a trace record"). */
    public static JsonValue root(JsonNode json, String rootName) {
        return new JsonValue(json, "", rootName);
    }

    public String path() {
        return path;
    }

    public JsonNode json() {
        return json;
    }

    /** The problem, named by this value's path; what the file wrote is shown without control characters. */
    public ScenarioException error(String problem) {
        return new ScenarioException(UserFile.printable(path.isEmpty() ? problem : path + ": " + problem));
    }

    public boolean isNull() {
        return json.isNull();
    }

    /** This value as an object whose keys must all be among {@code allowed}. */
    public JsonObject object(String... allowed) {
        if (!json.isObject()) {
            throw error("expected an object, found " + describe());
        }
        return new JsonObject((ObjectNode) json, path, path.isEmpty() ? rootName : path, allowed);
    }

    public List<JsonValue> array() {
        if (!json.isArray()) {
            throw error("expected an array, found " + describe());
        }
        List<JsonValue> items = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            items.add(new JsonValue(json.get(i), path + "[" + i + "]", rootName));
        }
        return items;
    }

    public String string() {
        if (!json.isTextual()) {
            throw error("expected a string, found " + describe());
        }
        return json.textValue();
    }

    public boolean bool() {
        if (!json.isBoolean()) {
            throw error("expected true or false, found " + describe());
        }
        return json.booleanValue();
    }

    /**
     * An address, size or count: a JSON integer, or a string in hex ({@code "0x77800000"}), in
     * decimal, or with a binary unit ({@code "2G"}, {@code "512M"}, {@code "64T"}; K, M, G, T, P).
     */
    public long quantity() {
        if (json.isInt() || json.isLong()) {
            if (json.longValue() < 0) {
                throw error(json + " is negative; expected a number from 0 up");
            }
            return json.longValue();
        }
        if (json.isIntegralNumber()) {
            if (json.bigIntegerValue().signum() < 0) {
                throw error(json + " is negative; expected a number from 0 up");
            }
            if (json.bigIntegerValue().bitLength() > Long.SIZE) {
                throw error(json + " is over 64 bits");
            }
            return json.bigIntegerValue().longValue();
        }
        if (!json.isTextual()) {
            throw error("expected a number or a string such as \"0x1000\" or \"2G\", found " + describe());
        }
        try {
            return Quantities.parse(json.textValue());
        } catch (ScenarioException e) {
            throw error(e.getMessage());
        }
    }

    /** A quantity within {@code [min, max]}. */
    public int integer(int min, int max) {
        long value = quantity();
        if (Long.compareUnsigned(value, min) < 0 || Long.compareUnsigned(value, max) > 0) {
            throw error(Long.toUnsignedString(value) + " is out of range: expected " + min + " to " + max);
        }
        return (int) value;
    }

    /** A range written as {@code [start, end]}: half-open, start below end. */
    public Range range() {
        List<JsonValue> bounds = array();
        if (bounds.size() != 2) {
            throw error("expected [start, end], found " + bounds.size() + " values");
        }
        long start = bounds.get(0).quantity();
        long end = bounds.get(1).quantity();
        if (Long.compareUnsigned(start, end) >= 0) {
            throw error(String.format("[0x%x, 0x%x) is empty: the end must be above the start", start, end));
        }
        return new Range(start, end);
    }

    private String describe() {
        if (json.isObject()) {
            return "an object";
        }
        if (json.isArray()) {
            return "an array";
        }
        if (json.isTextual()) {
            return "the string \"" + json.textValue() + "\"";
        }
        return json.isNull() ? "null" : json.toString();
    }

    /** A JSON object whose keys were checked against the ones its section allows. */
    public static final class JsonObject {
        private final ObjectNode json;
        private final String path;

        private final String rootName;

        JsonObject(ObjectNode json, String path, String name, String... allowed) {
            this.json = json;
            this.path = path;
            this.rootName = name;
            for (Iterator<String> keys = json.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!Arrays.asList(allowed).contains(key)) {
                    Set<String> known = new LinkedHashSet<>(List.of(allowed));
                    throw new ScenarioException(UserFile.printable(child(key.isEmpty() ? "\"\"" : key)
                            + ": unknown key; " + name + " takes " + String.join(", ", known)));
                }
            }
        }

        public ObjectNode json() {
            return json;
        }

        private String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        public Optional<JsonValue> optional(String key) {
            JsonNode value = json.get(key);
            return value == null ? Optional.empty() : Optional.of(new JsonValue(value, child(key), rootName));
        }

        public JsonValue required(String key) {
            return optional(key).orElseThrow(() -> new ScenarioException(child(key) + ": missing"));
        }
    }
}
