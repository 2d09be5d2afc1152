package org.tdxemu.scenarios.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * One input that a reader must reject with one message.
 *
 * @param name   the file name it is written under, unique in its corpus ({@code numbers-platform.packages-negative.json})
 * @param family how it is wrong
 * @param defect what exactly, within the family ({@code negative}, {@code in-key}, {@code cmrs-out-of-order})
 * @param content the bytes, or the kind of file that is not a readable regular file
 * @param field  what the message must name right after the file name, when the entry has such a place:
 *               a field path ({@code platform.cmrs[0]}); in a trace, the line first ({@code line 4: hex},
 *               or {@code line 4} alone for broken JSON)
 */
public record MalformedInput(String name, Family family, String defect, Content content, Optional<String> field) {

    /** What the file is. */
    public sealed interface Content permits Bytes, Directory, DanglingSymlink, SymlinkLoop, Fifo {
    }

    /** A regular file with these bytes (none for an empty file). */
    public record Bytes(byte[] bytes) implements Content {
        public Bytes {
            bytes = bytes.clone();
        }

        public static Bytes utf8(String text) {
            return new Bytes(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bytes b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Bytes[" + bytes.length + "]";
        }
    }

    /** A directory where a file is expected. */
    public record Directory() implements Content {
    }

    /** A symbolic link to nothing: unreadable even by root. */
    public record DanglingSymlink() implements Content {
    }

    /** A symbolic link to itself. */
    public record SymlinkLoop() implements Content {
    }

    /** A named pipe: a reader that opened it would wait for a writer forever. */
    public record Fifo() implements Content {
    }

    /** Creates this entry in {@code directory} under its name and returns its path. */
    public Path writeTo(Path directory) throws IOException {
        Path file = directory.resolve(name);
        if (content instanceof Bytes b) {
            Files.write(file, b.bytes);
        } else if (content instanceof Directory) {
            Files.createDirectory(file);
        } else if (content instanceof DanglingSymlink) {
            Files.createSymbolicLink(file, Path.of(name + ".missing"));
        } else if (content instanceof SymlinkLoop) {
            Files.createSymbolicLink(file, file.getFileName());
        } else {
            makeFifo(file);
        }
        return file;
    }

    private static void makeFifo(Path file) throws IOException {
        Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).redirectErrorStream(true).start();
        try {
            if (mkfifo.waitFor() != 0) {
                throw new IOException("mkfifo " + file + ": " + new String(mkfifo.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the FIFO " + file, e);
        }
    }
}
