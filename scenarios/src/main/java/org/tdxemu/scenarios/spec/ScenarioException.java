package org.tdxemu.scenarios.spec;

/**
 * A scenario (or trace) file the user wrote is wrong: the message names the field and the problem
 * in words, e.g. {@code platform.cmrs[1]: [0x1000, 0x1800) is not 4 KiB aligned}. The command line
 * prints it and exits with status 2.
 */
public final class ScenarioException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ScenarioException(String message) {
        super(message);
    }

    /** The same problem, with the file it is in named first. */
    public ScenarioException inFile(String file) {
        return new ScenarioException(file + ": " + getMessage());
    }
}
