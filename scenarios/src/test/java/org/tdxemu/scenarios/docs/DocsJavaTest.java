package org.tdxemu.scenarios.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java example README.md and docs/ show compiles against the project and, when a
 * {@code text} block follows it, prints exactly that. An example is its imports, then statements;
 * it becomes the body of a {@code main} method.
 */
class DocsJavaTest {

    @TempDir
    Path scratch;

    /** One example: where it is, its imports and statements, and what it must print (null: anything). */
    record Example(Path document, int line, List<String> imports, List<String> body, List<String> output) {
        @Override
        public String toString() {
            return document.getFileName() + ":" + line;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyJavaExampleCompilesAndPrintsWhatFollowsIt() {
        List<Example> examples = Repository.documents().stream().flatMap(d -> examples(d).stream()).toList();
        assertTrue(examples.size() >= 1, "README shows Java examples");
        return examples.stream().map(example -> DynamicTest.dynamicTest(example.toString(), () -> {
            List<String> printed = run(example);
            if (example.output() != null) {
                assertEquals(String.join("\n", example.output()), String.join("\n", printed), example.toString());
            }
        }));
    }

    static List<Example> examples(Path document) {
        List<String> lines = Repository.read(document).lines().toList();
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```java")) {
                continue;
            }
            int end = close(lines, i + 1);
            List<String> imports = new ArrayList<>();
            List<String> body = new ArrayList<>();
            for (String line : lines.subList(i + 1, end)) {
                (line.startsWith("import ") ? imports : body).add(line);
            }
            List<String> output = null;
            int next = end + 1;
            while (next < lines.size() && lines.get(next).isBlank()) {
                next++;
            }
            if (next < lines.size() && lines.get(next).strip().equals("```text")) {
                int outputEnd = close(lines, next + 1);
                output = List.copyOf(lines.subList(next + 1, outputEnd));
                end = outputEnd;
            }
            examples.add(new Example(document, i + 1, imports, body, output));
            i = end;
        }
        return examples;
    }

    private static int close(List<String> lines, int from) {
        int end = from;
        while (end < lines.size() && !lines.get(end).strip().equals("```")) {
            end++;
        }
        return end;
    }

    private List<String> run(Example example) throws IOException, ReflectiveOperationException {
        Path sources = Files.createTempDirectory(scratch, "example");
        String className = "Example" + example.line();
        Path source = sources.resolve(className + ".java");
        Files.writeString(source, String.join("\n", example.imports()) + "\n\npublic class " + className
                + " {\n    public static void main(String[] args) throws Exception {\n"
                + String.join("\n", example.body()) + "\n    }\n}\n");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = compiler.getTask(diagnostics, null, null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", sources.toString()), null,
                compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(source.toFile()))
                .call();
        assertTrue(compiled, example + " does not compile:\n" + diagnostics);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {sources.toUri().toURL()}, getClass().getClassLoader());
             PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            loader.loadClass(className).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } catch (InvocationTargetException e) {
            throw new AssertionError(example + " threw", e.getCause());
        } finally {
            System.setOut(original);
        }
        return printed.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
