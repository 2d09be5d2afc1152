package org.tdxemu.scenarios.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Jackson trees edited at the paths error messages name ({@code platform.cmrs[0][1]}). */
final class JsonTrees {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STEP = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    /** A place in a tree: the keys (strings) and indices (integers) from the root. */
    record Place(List<Object> steps) {
        static final Place ROOT = new Place(List.of());

        Place {
            steps = List.copyOf(steps);
        }

        /** {@code platform.cmrs[0][1]}, {@code ""} for the root. */
        static Place of(String path) {
            List<Object> steps = new ArrayList<>();
            Matcher step = STEP.matcher(path);
            while (step.find()) {
                steps.add(step.group(1) != null ? step.group(1) : (Object) Integer.valueOf(step.group(2)));
            }
            return new Place(steps);
        }

        Place key(String key) {
            List<Object> longer = new ArrayList<>(steps);
            longer.add(key);
            return new Place(longer);
        }

        Place index(int index) {
            List<Object> longer = new ArrayList<>(steps);
            longer.add(index);
            return new Place(longer);
        }

        /** The path as error messages name it. */
        @Override
        public String toString() {
            return spell(false);
        }

        /** The path with its indices left out, as formats list their fields: {@code platform.cmrs[][]}. */
        String pattern() {
            return spell(true);
        }

        private String spell(boolean withoutIndices) {
            StringBuilder path = new StringBuilder();
            for (Object step : steps) {
                if (step instanceof Integer index) {
                    path.append('[').append(withoutIndices ? "" : index).append(']');
                } else {
                    path.append(path.length() == 0 ? "" : ".").append(step);
                }
            }
            return path.toString();
        }
    }

    /** A value and where it is. */
    record Node(Place place, JsonNode value) {
    }

    private JsonTrees() {
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value that is written out exactly as {@code json} says, such as {@code 1e0} or {@code 1.0}. */
    static JsonNode raw(String json) {
        return new POJONode(new RawValue(json));
    }

    static String pretty(JsonNode tree) {
        return write(tree, true);
    }

    static String compact(JsonNode tree) {
        return write(tree, false);
    }

    private static String write(JsonNode tree, boolean pretty) {
        try {
            return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n"
                    : JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every value of {@code root}, the root first, each before what it holds. */
    static List<Node> walk(JsonNode root) {
        List<Node> nodes = new ArrayList<>();
        walk(new Node(Place.ROOT, root), nodes);
        return nodes;
    }

    private static void walk(Node node, List<Node> nodes) {
        nodes.add(node);
        if (node.value().isObject()) {
            for (Map.Entry<String, JsonNode> member : node.value().properties()) {
                walk(new Node(node.place().key(member.getKey()), member.getValue()), nodes);
            }
        } else if (node.value().isArray()) {
            for (int i = 0; i < node.value().size(); i++) {
                walk(new Node(node.place().index(i), node.value().get(i)), nodes);
            }
        }
    }

    /** A copy of {@code root} with {@code value} at {@code place}: replaced, or added as a new last key. */
    static JsonNode with(JsonNode root, Place place, JsonNode value) {
        JsonNode copy = root.deepCopy();
        Object last = place.steps().get(place.steps().size() - 1);
        JsonNode parent = at(copy, place.steps().subList(0, place.steps().size() - 1));
        if (last instanceof Integer index) {
            ((ArrayNode) parent).set(index, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
        return copy;
    }

    /** A copy of {@code root} without the key at {@code place}. */
    static JsonNode without(JsonNode root, Place place) {
        JsonNode copy = root.deepCopy();
        JsonNode parent = at(copy, place.steps().subList(0, place.steps().size() - 1));
        ((ObjectNode) parent).remove((String) place.steps().get(place.steps().size() - 1));
        return copy;
    }

    private static JsonNode at(JsonNode root, List<Object> steps) {
        JsonNode node = root;
        for (Object step : steps) {
            node = step instanceof Integer index ? node.get(index) : node.get((String) step);
        }
        return node;
    }
}
