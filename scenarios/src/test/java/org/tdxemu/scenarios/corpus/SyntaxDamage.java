package org.tdxemu.scenarios.corpus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.tdxemu.scenarios.corpus.JsonTokens.Kind;
import org.tdxemu.scenarios.corpus.JsonTokens.Token;

/**
 * Valid JSON made invalid at one place: cut short, or one token deleted, doubled or swapped. Every
 * result is invalid JSON whatever the format: a cut always falls before the last token, and each
 * mutation breaks the grammar itself.
 */
final class SyntaxDamage {

    /** The damaged text, what was done to it ({@code in-key}, {@code deleted-comma}) and at which character. */
    record Damage(String defect, int at, String text) {
    }

    /** Replace {@code length} characters at {@code at} with {@code insert}. */
    private record Spot(int at, int length, String insert) {
        Damage apply(String defect, String text) {
            return new Damage(defect, at, text.substring(0, at) + insert + text.substring(at + length));
        }
    }

    private SyntaxDamage() {
    }

    /** {@code text} cut once in each class of cut point it has, at a place {@code random} chooses. */
    static List<Damage> truncations(String text, Random random) {
        List<Token> tokens = JsonTokens.of(text);
        Map<String, Set<Integer>> cuts = new LinkedHashMap<>();
        add(cuts, "first-character", 1);
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (i > 0) {
                for (int p = tokens.get(i - 1).end() + 1; p <= t.start(); p++) {
                    add(cuts, "in-whitespace", p);
                }
            }
            if (t.kind().opens()) {
                add(cuts, "after-open", t.end());
            }
            if (t.kind() == Kind.COLON) {
                add(cuts, "after-colon", t.end());
            }
            if (t.kind() == Kind.COMMA) {
                add(cuts, "after-comma", t.end());
            }
            if (t.key()) {
                add(cuts, "after-key", t.end());
            }
            if (t.kind().isScalar()) {
                String inside = t.key() ? "in-key" : t.kind() == Kind.STRING ? "in-string"
                        : t.kind() == Kind.NUMBER ? "in-number" : "in-literal";
                for (int p = t.start() + 1; p < t.end(); p++) {
                    add(cuts, inside, p);
                }
            }
            if (t.kind() == Kind.STRING) {
                for (int p = text.indexOf('\\', t.start()); p >= 0 && p < t.end(); p = text.indexOf('\\', p + 2)) {
                    add(cuts, "in-escape", p + 1);
                    if (text.charAt(p + 1) == 'u') {
                        add(cuts, "in-unicode-escape", p + 3);
                    }
                }
            }
            if (t.isValue() && i < tokens.size() - 1) {
                add(cuts, "after-value", t.end());
            }
        }
        add(cuts, "before-last-close", tokens.get(tokens.size() - 1).start());
        List<Damage> damaged = new ArrayList<>();
        cuts.forEach((defect, places) -> {
            int at = List.copyOf(places).get(random.nextInt(places.size()));
            damaged.add(new Damage(defect, at, text.substring(0, at)));
        });
        return damaged;
    }

    /** Up to {@code perKind} mutations of each kind, at places {@code random} chooses. */
    static List<Damage> mutations(String text, Random random, int perKind) {
        List<Token> tokens = JsonTokens.of(text);
        Map<String, Set<Spot>> spots = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            String symbol = text.substring(t.start(), t.end());
            String what = switch (t.kind()) {
                case OPEN_OBJECT, CLOSE_OBJECT -> "brace";
                case OPEN_ARRAY, CLOSE_ARRAY -> "bracket";
                case COLON -> "colon";
                case COMMA -> "comma";
                default -> null;
            };
            if (what != null) {
                add(spots, "deleted-" + what, new Spot(t.start(), 1, ""));
                add(spots, "doubled-" + what, new Spot(t.start(), 0, symbol));
            }
            if (t.kind() == Kind.STRING) {
                add(spots, "deleted-quote", new Spot(t.start(), 1, ""));
                add(spots, "deleted-quote", new Spot(t.end() - 1, 1, ""));
                add(spots, "doubled-quote", new Spot(t.start(), 0, "\""));
                add(spots, "doubled-quote", new Spot(t.end() - 1, 0, "\""));
            }
            if (i + 1 < tokens.size()) {
                Token next = tokens.get(i + 1);
                if (t.kind() != next.kind() && !(t.kind().isScalar() && next.kind().isScalar())) {
                    add(spots, "swapped-tokens", new Spot(t.start(), next.end() - t.start(),
                            text.substring(next.start(), next.end()) + text.substring(t.end(), next.start()) + symbol));
                }
            }
            if (t.key()) {
                int valueEnd = tokens.get(JsonTokens.valueEnd(tokens, i + 2)).end();
                add(spots, "repeated-key", new Spot(valueEnd, 0, ", " + text.substring(t.start(), valueEnd)));
            }
        }
        int end = tokens.get(tokens.size() - 1).end();
        add(spots, "second-value", new Spot(end, 0, " " + text.substring(tokens.get(0).start(), end)));
        List<Damage> damaged = new ArrayList<>();
        spots.forEach((defect, places) -> {
            List<Spot> shuffled = new ArrayList<>(places);
            Collections.shuffle(shuffled, random);
            shuffled.stream().limit(perKind).forEach(spot -> damaged.add(spot.apply(defect, text)));
        });
        return damaged;
    }

    private static <T> void add(Map<String, Set<T>> places, String defect, T place) {
        places.computeIfAbsent(defect, k -> new LinkedHashSet<>()).add(place);
    }
}
