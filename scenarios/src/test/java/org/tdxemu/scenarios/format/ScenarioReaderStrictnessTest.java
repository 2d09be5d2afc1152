package org.tdxemu.scenarios.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.spec.ScenarioException;

/**
 * What the malformed corpus found the reader taking, or failing on, that it must refuse in one
 * message; and the {@code "$schema"} key that points editors at docs/scenario.schema.json.
 */
class ScenarioReaderStrictnessTest {

    private static final String PLATFORM = "\"platform\": {\"cmrs\": [[\"0x100000\", \"0x80000000\"]]}";

    private static String error(String json) {
        return assertThrows(ScenarioException.class, () -> ScenarioReader.parse(json)).getMessage();
    }

    @Test
    void aSchemaKeyAtTheTopIsForEditorsAndTheReaderIgnoresIt() {
        assertEquals("t", ScenarioReader.parse("{\"$schema\": \"../docs/scenario.schema.json\", \"name\": \"t\", "
                + PLATFORM + "}").name());
        assertEquals("colour: unknown key; the scenario takes name, description, platform, module, kernel, faults, "
                + "expect, imported", error("{\"$schema\": \"x\", \"name\": \"t\", \"colour\": 1, " + PLATFORM + "}"));
    }

    @Test
    void aSchemaKeyIsAString() {
        assertEquals("$schema: expected a string, found 1", error("{\"$schema\": 1, \"name\": \"t\", " + PLATFORM + "}"));
    }

    @Test
    void aSchemaKeyBelowTheTopIsUnknown() {
        assertEquals("platform.$schema: unknown key; platform takes packages, cpusPerPackage, offlineCpus, keyIds, "
                + "cmrs, memory, reserved, seamrr, defects, partialWriteErratum",
                error("{\"name\": \"t\", \"platform\": {\"$schema\": \"x\", \"cmrs\": [[\"0x100000\", \"0x80000000\"]]}}"));
    }

    @Test
    void textAfterTheDocumentIsNotJson() {
        String scenario = "{\"name\": \"t\", " + PLATFORM + "}";
        assertEquals("not valid JSON at line 1, column 67: more after the end of the JSON value",
                error(scenario + " " + scenario));
        assertEquals("not valid JSON at line 1, column 66: Unexpected close marker '}': no open Object to close",
                error(scenario + "}"));
        assertEquals("not valid JSON at column 3: more after the end of the JSON value", assertThrows(
                ScenarioException.class, () -> ScenarioReader.lineTree("{}{}")).getMessage());
    }

    @Test
    void aModuleThatIsNotAnObjectIsOneMessage() {
        assertEquals("module: expected an object, found the string \"1.5\"",
                error("{\"name\": \"t\", " + PLATFORM + ", \"module\": \"1.5\"}"));
    }

    @Test
    void controlCharactersTheFileWroteAreShownAsEscapesSoThatTheMessageStaysOneLine() {
        assertEquals("faults[0].leaf: unknown leaf \"TDH.SYS\\u000aCONFIG\"; leaves are named as the specification "
                + "does, e.g. TDH.SYS.CONFIG", error("{\"name\": \"t\", " + PLATFORM
                + ", \"faults\": [{\"leaf\": \"TDH.SYS\\nCONFIG\", \"status\": \"GP\"}]}"));
        assertEquals("co\\u000alour: unknown key; the scenario takes name, description, platform, module, kernel, "
                + "faults, expect, imported", error("{\"name\": \"t\", \"co\\nlour\": 1, " + PLATFORM + "}"));
    }

    @Test
    void anEmptyKeyIsNamedAsTheFileWroteIt() {
        assertEquals("\"\": unknown key; the scenario takes name, description, platform, module, kernel, faults, "
                + "expect, imported", error("{\"name\": \"t\", \"\": 1, " + PLATFORM + "}"));
    }

    @Test
    void aNameOrDescriptionIsOneLine() {
        assertEquals("name: must be one line of text, without control characters",
                error("{\"name\": \"two\\nlines\", " + PLATFORM + "}"));
        assertEquals("description: must be one line of text, without control characters",
                error("{\"name\": \"t\", \"description\": \"tab\\there\", " + PLATFORM + "}"));
        assertEquals("name: must not be empty", error("{\"name\": \" \", " + PLATFORM + "}"));
    }

    @Test
    void theParsersMessagesSayWhereABracketOpenedAndNotHowItsSourceIsConfigured() {
        assertEquals("not valid JSON at line 3, column 1: Unexpected end-of-input: expected close marker for Object "
                + "(start marker at line 2, column 14)", error("{\"name\": \"t\",\n \"platform\": {\n"));
        assertEquals("not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)",
                error("[".repeat(1001) + "]".repeat(1001)));
    }
}
