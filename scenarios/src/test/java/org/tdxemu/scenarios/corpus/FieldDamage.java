package org.tdxemu.scenarios.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tdxemu.scenarios.corpus.Field.Shape;
import org.tdxemu.scenarios.corpus.JsonTrees.Node;
import org.tdxemu.scenarios.corpus.JsonTrees.Place;

/**
 * A valid document made wrong one field at a time, every field of it, as its format's fields say:
 * out-of-range and badly written numbers, values of the wrong type, an unknown key in every object,
 * each required key left out.
 */
final class FieldDamage {

    /** A damaged copy of the document, and the place its problem is at. */
    record Damage(Family family, String defect, Place place, JsonNode document) {
    }

    /** A key no object of any format here takes. */
    static final String UNKNOWN_KEY = "colour";

    private FieldDamage() {
    }

    /**
     * @throws IllegalArgumentException when the document has a value {@code fields} does not
     *                                  describe, so that no field goes undamaged
     */
    static List<Damage> of(JsonNode document, Map<String, Field> fields) {
        List<Damage> damage = new ArrayList<>();
        for (Node node : JsonTrees.walk(document)) {
            Place place = node.place();
            if (node.value().isObject()) {
                Place unknown = place.key(UNKNOWN_KEY);
                damage.add(new Damage(Family.UNKNOWN_KEYS, "unknown-key", unknown,
                        JsonTrees.with(document, unknown, JsonTrees.raw("1"))));
            }
            if (place.equals(Place.ROOT)) {
                continue;
            }
            Field field = fields.get(place.pattern());
            if (field == null) {
                throw new IllegalArgumentException(place.pattern() + " is not a field of the format");
            }
            if (field.shape() == Shape.NUMBER) {
                numbers(field).forEach((defect, json) -> damage.add(new Damage(Family.NUMBERS, defect, place,
                        JsonTrees.with(document, place, JsonTrees.raw(json)))));
            }
            wrongTypes(field.shape()).forEach((defect, json) -> damage.add(new Damage(Family.TYPES, defect, place,
                    JsonTrees.with(document, place, JsonTrees.raw(json)))));
            if (field.required()) {
                damage.add(new Damage(Family.MISSING_KEYS, "missing", place, JsonTrees.without(document, place)));
            }
        }
        return damage;
    }

    /** Each way to write a number wrongly for this field, as JSON. */
    private static Map<String, String> numbers(Field field) {
        Map<String, String> numbers = new LinkedHashMap<>();
        numbers.put("negative", "-1");
        numbers.put("negative-string", "\"-1\"");
        if (field.min() >= 1) {
            numbers.put("zero", "0");
        }
        if (field.min() > 1) {
            numbers.put("below-minimum", Long.toString(field.min() - 1));
        }
        if (field.bounded()) {
            numbers.put("above-maximum", Long.toUnsignedString(field.max() + 1));
            numbers.put("above-maximum-hex", "\"0x" + Long.toHexString(field.max() + 1) + "\"");
        }
        numbers.put("over-64-bits", "18446744073709551616");
        numbers.put("over-64-bits-hex", "\"0x10000000000000000\"");
        numbers.put("over-64-bits-decimal", "\"18446744073709551616\"");
        numbers.put("units-overflow", "\"16384P\"");
        numbers.put("fractional", "1.5");
        numbers.put("fractional-string", "\"1.5\"");
        numbers.put("whole-with-fraction", "1.0");
        numbers.put("exponent", "1e0");
        numbers.put("exponent-string", "\"1e3\"");
        numbers.put("bad-hex-digit", "\"0x12g4\"");
        numbers.put("hex-without-digits", "\"0x\"");
        numbers.put("unknown-unit", "\"2X\"");
        return numbers;
    }

    /** A value of each JSON type this shape does not take (and for ranges, arrays of the wrong length). */
    private static Map<String, String> wrongTypes(Shape shape) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean takesStrings = shape == Shape.TEXT || shape == Shape.CHOICE || shape == Shape.CHOICE_OR_NULL
                || shape == Shape.HEX_BYTES;
        if (shape == Shape.NUMBER) {
            values.put("not-a-number", "\"lots\"");
        } else if (!takesStrings) {
            values.put("string", "\"true\"");
        }
        if (shape != Shape.NUMBER) {
            values.put("number", "7");
        }
        if (shape != Shape.FLAG) {
            values.put("bool", "true");
        }
        if (shape != Shape.CHOICE_OR_NULL) {
            values.put("null", "null");
        }
        if (shape != Shape.ARRAY && shape != Shape.RANGE) {
            values.put("array", "[]");
        }
        if (shape != Shape.OBJECT) {
            values.put("object", "{}");
        }
        if (shape == Shape.RANGE) {
            values.put("range-of-no-values", "[]");
            values.put("range-of-one-value", "[\"0x1000\"]");
            values.put("range-of-three-values", "[\"0x1000\", \"0x2000\", \"0x3000\"]");
        }
        return values;
    }
}
