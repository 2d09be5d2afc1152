package org.tdxemu.scenarios.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.tdxemu.scenarios.corpus.MalformedInput.Bytes;
import org.tdxemu.scenarios.corpus.MalformedInput.Content;
import org.tdxemu.scenarios.corpus.MalformedInput.DanglingSymlink;
import org.tdxemu.scenarios.corpus.MalformedInput.Directory;
import org.tdxemu.scenarios.corpus.MalformedInput.Fifo;
import org.tdxemu.scenarios.corpus.MalformedInput.SymlinkLoop;

/** Inputs that are not a document of any format: random bytes and values, other encodings, nothing, not a file. */
final class RawInputs {

    /** A random JSON value, as text, and the first key when it is an object (the first key its reader meets). */
    record RandomValue(String json, Optional<String> firstKey) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** What random strings and keys are made of: quotes, escapes, controls, accents, CJK, an emoji, separators. */
    private static final int[] CODE_POINTS = ("abcdefghijklmnopqrstuvwxyz0123456789 _.-\"\\/\n\t\r\u0000\u0007\u001f"
            + "\u00e9\u00ff\u4e2d\u2028\u2029\u200b\ufeff").codePoints().toArray();
    private static final int EMOJI = 0x1F600;

    private RawInputs() {
    }

    /** {@code count} runs of random bytes, of lengths from 1 to 4 KiB. */
    static List<byte[]> randomBytes(Random random, int count) {
        return IntStream.range(0, count).mapToObj(i -> {
            byte[] bytes = new byte[1 + random.nextInt(i % 4 == 3 ? 4096 : 64)];
            random.nextBytes(bytes);
            return bytes;
        }).toList();
    }

    /**
     * {@code count} random JSON values, cycling through the six JSON types at the top; objects have
     * at least one key, and every key holds a digit, which no key of any format here does.
     */
    static List<RandomValue> randomValues(Random random, int count) {
        return IntStream.range(0, count).mapToObj(i -> {
            JsonNode value = switch (i % 6) {
                case 0 -> randomObject(random, 3);
                case 1 -> randomArray(random, 3);
                case 2 -> NODES.textNode(randomString(random, 12));
                case 3 -> randomNumber(random);
                case 4 -> NODES.booleanNode(random.nextBoolean());
                default -> NODES.nullNode();
            };
            return new RandomValue(JsonTrees.compact(value), value.isObject()
                    ? Optional.of(value.fieldNames().next()) : Optional.empty());
        }).toList();
    }

    private static JsonNode randomValue(Random random, int depth) {
        int kinds = depth == 0 ? 5 : 7;
        return switch (random.nextInt(kinds)) {
            case 0 -> randomNumber(random);
            case 1 -> NODES.textNode(randomString(random, 8));
            case 2 -> NODES.booleanNode(random.nextBoolean());
            case 3 -> NODES.nullNode();
            case 4 -> NODES.numberNode(random.nextGaussian() * 1e6);
            case 5 -> randomArray(random, depth - 1);
            default -> randomObject(random, depth - 1);
        };
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode object = NODES.objectNode();
        int size = 1 + random.nextInt(4);
        while (object.size() < size) {
            object.set(randomString(random, 6) + random.nextInt(10), randomValue(random, depth));
        }
        return object;
    }

    private static ArrayNode randomArray(Random random, int depth) {
        ArrayNode array = NODES.arrayNode();
        IntStream.range(0, random.nextInt(5)).forEach(i -> array.add(randomValue(random, depth)));
        return array;
    }

    private static JsonNode randomNumber(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> NODES.numberNode(random.nextLong());
            case 1 -> NODES.numberNode(new BigInteger(80 + random.nextInt(100), random));
            default -> NODES.numberNode(random.nextInt(100));
        };
    }

    private static String randomString(Random random, int longest) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(longest + 1); i > 0; i--) {
            text.appendCodePoint(random.nextInt(20) == 0 ? EMOJI : CODE_POINTS[random.nextInt(CODE_POINTS.length)]);
        }
        return text.toString();
    }

    /**
     * {@code text} (valid, ASCII) spoiled as UTF-8: in other encodings, with bytes UTF-8 forbids, or
     * with bytes no text has.
     */
    static Map<String, byte[]> notUtf8(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int firstQuote = text.indexOf('"') + 1;
        Map<String, byte[]> spoiled = new LinkedHashMap<>();
        spoiled.put("latin-1", (text.substring(0, firstQuote) + "\u00e9" + text.substring(firstQuote))
                .getBytes(StandardCharsets.ISO_8859_1));
        spoiled.put("utf-16-with-bom", concat(new byte[] {(byte) 0xFF, (byte) 0xFE},
                text.getBytes(StandardCharsets.UTF_16LE)));
        spoiled.put("utf-16-without-bom", text.getBytes(StandardCharsets.UTF_16BE));
        spoiled.put("overlong-encoding", insert(utf8, firstQuote, 0xC0, 0xAF));
        spoiled.put("encoded-surrogate", insert(utf8, firstQuote, 0xED, 0xA0, 0x80));
        spoiled.put("stray-continuation-byte", insert(utf8, firstQuote, 0x80));
        spoiled.put("byte-ff", insert(utf8, firstQuote, 0xFF));
        spoiled.put("cut-multibyte-character", concat(utf8, new byte[] {(byte) 0xE2, (byte) 0x82}));
        spoiled.put("nul-bytes", new byte[4]);
        spoiled.put("png-header", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13});
        return spoiled;
    }

    /** Nothing but white space, JSON's or what looks like it. */
    static Map<String, String> whiteSpace() {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("space", " ");
        texts.put("newline", "\n");
        texts.put("crlf", "\r\n");
        texts.put("tabs-and-newlines", "\t \n\t\n\n");
        texts.put("no-break-space", "\u00a0");
        texts.put("line-separator", "\u2028");
        texts.put("byte-order-mark", "\ufeff");
        texts.put("form-feed", "\f");
        return texts;
    }

    /** Every kind of path that is not a readable regular file. */
    static Map<String, Content> notFiles() {
        Map<String, Content> kinds = new LinkedHashMap<>();
        kinds.put("directory", new Directory());
        kinds.put("dangling-symlink", new DanglingSymlink());
        kinds.put("symlink-loop", new SymlinkLoop());
        kinds.put("fifo", new Fifo());
        return kinds;
    }

    static Bytes gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Bytes(out.toByteArray());
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] insert(byte[] bytes, int at, int... inserted) {
        byte[] middle = new byte[inserted.length];
        for (int i = 0; i < inserted.length; i++) {
            middle[i] = (byte) inserted[i];
        }
        return concat(concat(Arrays.copyOf(bytes, at), middle), Arrays.copyOfRange(bytes, at, bytes.length));
    }
}
