package org.tdxemu.scenarios.corpus;

import java.util.ArrayList;
import java.util.List;

/** The tokens of a valid JSON text with their places, so that damage can be aimed at a kind of place. */
final class JsonTokens {

    enum Kind {
        OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COLON, COMMA, STRING, NUMBER, LITERAL;

        boolean isScalar() {
            return this == STRING || this == NUMBER || this == LITERAL;
        }

        boolean opens() {
            return this == OPEN_OBJECT || this == OPEN_ARRAY;
        }

        boolean closes() {
            return this == CLOSE_OBJECT || this == CLOSE_ARRAY;
        }
    }

    /** Characters {@code [start, end)} of the text; {@code key} for a string that names a member. */
    record Token(Kind kind, int start, int end, boolean key) {
        boolean isValue() {
            return kind.isScalar() && !key || kind.closes();
        }
    }

    private JsonTokens() {
    }

    /** The tokens of {@code text}, which must be valid JSON. */
    static List<Token> of(String text) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
                continue;
            }
            int start = i;
            Kind kind = switch (c) {
                case '{' -> Kind.OPEN_OBJECT;
                case '}' -> Kind.CLOSE_OBJECT;
                case '[' -> Kind.OPEN_ARRAY;
                case ']' -> Kind.CLOSE_ARRAY;
                case ':' -> Kind.COLON;
                case ',' -> Kind.COMMA;
                case '"' -> Kind.STRING;
                case 't', 'f', 'n' -> Kind.LITERAL;
                default -> Kind.NUMBER;
            };
            if (kind == Kind.STRING) {
                i++;
                while (text.charAt(i) != '"') {
                    i += text.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else if (kind == Kind.LITERAL || kind == Kind.NUMBER) {
                while (i < text.length() && "{}[]:, \t\n\r".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
            } else {
                i++;
            }
            if (kind == Kind.COLON && !tokens.isEmpty()) {
                Token name = tokens.remove(tokens.size() - 1);
                tokens.add(new Token(name.kind(), name.start(), name.end(), true));
            }
            tokens.add(new Token(kind, start, i, false));
        }
        return tokens;
    }

    /** The index of the token that ends the value starting at token {@code first}. */
    static int valueEnd(List<Token> tokens, int first) {
        if (!tokens.get(first).kind().opens()) {
            return first;
        }
        int depth = 0;
        for (int i = first; ; i++) {
            Kind kind = tokens.get(i).kind();
            depth += kind.opens() ? 1 : kind.closes() ? -1 : 0;
            if (depth == 0) {
                return i;
            }
        }
    }
}
