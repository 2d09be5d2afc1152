package org.tdxemu.scenarios.dmesg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The team's test logs (src/test/resources/org/tdxemu/scenarios/dmesg), and imports of them and of text. */
final class Logs {

    private Logs() {
    }

    static String text(String name) {
        try (InputStream in = Logs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test log " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ImportedMachine imported(String name) {
        return importText(name, text(name));
    }

    static ImportedMachine importText(String name, String text) {
        return Importer.of(name, BootLog.of(LogLine.split(text)));
    }
}
