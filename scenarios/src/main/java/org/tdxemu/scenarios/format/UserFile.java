package org.tdxemu.scenarios.format;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tdxemu.scenarios.spec.ScenarioException;

/**
 * A file the user named on the command line, opened so that every way it can be wrong becomes one
 * {@link ScenarioException} naming it: missing, a directory, unreadable, not UTF-8 text, too large,
 * a broken gzip stream.
 */
public final class UserFile {

    /** Scenario files are small; anything larger is a mistake, not a scenario. */
    public static final long LARGEST_SCENARIO_BYTES = 16L << 20;

    private static final int GZIP_MAGIC = 0x8b1f;

    private UserFile() {
    }

    /** The path a command-line word names, or a message saying why it names none. */
    public static Path path(String word) {
        try {
            return Path.of(word);
        } catch (InvalidPathException e) {
            throw new ScenarioException("\"" + printable(word) + "\": not a file name: " + e.getReason());
        }
    }

    /** The whole text of a small UTF-8 file. */
    public static String text(Path file) {
        requireRegularFile(file);
        try {
            if (Files.size(file) > LARGEST_SCENARIO_BYTES) {
                throw new ScenarioException(file + ": " + Files.size(file) + " bytes is too large for a scenario file");
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new ScenarioException(file + ": not a text file (it is not UTF-8)");
        } catch (IOException e) {
            throw new ScenarioException(file + ": " + reason(e));
        }
    }

    /**
     * A reader of a UTF-8 text file, decompressed when it is gzip (by its first two bytes, whatever
     * its name). Malformed text surfaces as {@link CharacterCodingException} from the reader.
     */
    public static BufferedReader lines(Path file) {
        requireRegularFile(file);
        try {
            InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            in.mark(2);
            int magic = in.read() | in.read() << 8;
            in.reset();
            if (magic == GZIP_MAGIC) {
                in = new GzipText(GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get());
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)),
                    1 << 16);
        } catch (IOException e) {
            throw new ScenarioException(file + ": " + reason(e));
        }
    }

    /** Words for why an I/O operation on a user's file failed. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not a text file (it is not UTF-8)";
        }
        if (e instanceof DamagedGzip) {
            return e.getMessage();
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * A gzip file that does not decompress whole: cut short, corrupt, or with bytes after its last
     * member. Where in the text it happened says little, since the reader reads ahead.
     */
    public static final class DamagedGzip extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedGzip(IOException cause) {
            super("not a complete gzip file (" + (cause instanceof EOFException ? "it is cut short"
                    : cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getMessage().replaceAll("\\.$", "")) + ")", cause);
        }
    }

    /** The decompressed bytes of a gzip file; whatever goes wrong in them is {@link DamagedGzip}. */
    private static final class GzipText extends FilterInputStream {
        GzipText(InputStream gzip) {
            super(gzip);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new DamagedGzip(e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return super.read(buffer, offset, length);
            } catch (IOException e) {
                throw new DamagedGzip(e);
            }
        }
    }

    private static void requireRegularFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new ScenarioException(file + ": is a directory, not a file");
        }
        if (!Files.exists(file)) {
            throw new ScenarioException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ScenarioException(file + ": not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new ScenarioException(file + ": permission denied");
        }
    }

    /** The word with control characters shown as escapes, so that one message stays one line. */
    public static String printable(String word) {
        StringBuilder out = new StringBuilder();
        word.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
