package org.tdxemu.scenarios.corpus;

import java.nio.file.Path;
import java.util.Optional;
import org.tdxemu.scenarios.spec.ScenarioException;

/**
 * How every reader of user files must turn away a malformed input: one {@link ScenarioException}
 * whose message is one line, starts with the file's name and, when the entry has one, names its
 * field right after.
 */
public final class Rejections {

    private Rejections() {
    }

    /** What is wrong with how {@code read} treated {@code entry}, written at {@code file}; empty when nothing is. */
    public static Optional<String> problem(MalformedInput entry, Path file, Runnable read) {
        try {
            read.run();
            return Optional.of(entry.name() + ": accepted");
        } catch (ScenarioException e) {
            return problem(entry, file, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return Optional.of(entry.name() + ": " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    /** What is wrong with {@code message} as the rejection of {@code entry}, written at {@code file}; empty when nothing is. */
    public static Optional<String> problem(MalformedInput entry, Path file, String message) {
        if (message.chars().anyMatch(Character::isISOControl)) {
            return Optional.of(entry.name() + ": not one line of text: " + message);
        }
        String named = file + ": " + entry.field().map(field -> field + ": ").orElse("");
        if (!message.startsWith(named)) {
            return Optional.of(entry.name() + ": does not start with \"" + named + "\": " + message);
        }
        return Optional.empty();
    }
}
