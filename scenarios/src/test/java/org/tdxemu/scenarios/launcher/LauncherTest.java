package org.tdxemu.scenarios.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code ./tdxemu} launcher, in a copy of this repository with nothing beside it: it builds
 * itself there with Maven, builds again only when the project's own sources changed, and says in
 * one line what is missing when Maven or Java is. One real build for the class; the rest fake
 * Maven (a script that notes its call and touches the jar) or hide it.
 */
class LauncherTest {

    private static final String BUILDING = "tdxemu: building (first use, or the sources changed)...";
    private static final String BUILD_FAILED = "tdxemu: the build failed";
    private static final String STALE_WITHOUT_MAVEN = "tdxemu: the sources changed since the last build, but Maven (mvn) "
            + "is not installed; running the old build";
    private static final String NEEDS_MAVEN = "tdxemu: building tdxemu needs Maven 3.6.3 or newer (mvn) and a JDK 17; "
            + "install Maven and run ./tdxemu again";
    private static final String NEEDS_JAVA = "tdxemu: running tdxemu needs Java 17 or newer (java); "
            + "install a JDK 17 and run ./tdxemu again";
    private static final String BUILD_ARGUMENTS = "-B -q -DskipTests -pl scenarios -am package";

    /** What the launcher needs from PATH besides Maven and Java. */
    private static final List<String> SHELL_COMMANDS = List.of("bash", "find", "dirname", "readlink", "mktemp", "cat", "rm");
    /** Folders a copy of the repository leaves out: build output, Git's and IDEs' own. */
    private static final Set<String> NOT_COPIED = Set.of("target", ".git", ".idea", ".vscode");

    /** Every source and pom gets this time before each test, the jar an hour later: up to date. */
    private static final FileTime SOURCES_TIME = FileTime.from(Instant.now().minus(Duration.ofDays(1)));
    private static final FileTime JAR_TIME = FileTime.from(SOURCES_TIME.toInstant().plus(Duration.ofHours(1)));

    /** Holds the copy and nothing else, as a user's clone has nothing beside it that tdxemu may read. */
    @TempDir
    static Path aloneIn;
    /** What the processes print, until it is read. */
    @TempDir
    static Path outputs;

    static Path checkout;
    static Path jar;
    static Run firstUse;
    /** What the jar itself prints for {@code --version}: a run of the launcher prints the same. */
    static List<String> version;

    @TempDir
    Path work;

    private record Run(int status, List<String> out, List<String> err) {
    }

    @BeforeAll
    static void copyTheRepositoryAndBuildItThere() throws IOException, InterruptedException {
        Path repository = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isExecutable(repository.resolve("tdxemu")),
                "the tests run in the scenarios module, whose parent holds ./tdxemu; not " + repository);
        checkout = aloneIn.resolve("tdxemu");
        copyTree(repository, checkout);
        checkout = checkout.toRealPath();
        jar = checkout.resolve("scenarios/target/tdxemu.jar");
        firstUse = run(checkout, System.getenv("PATH"), Duration.ofMinutes(10), "./tdxemu");
        version = run(checkout, System.getenv("PATH"), Duration.ofMinutes(1),
                javaOnThisJvm().toString(), "-jar", jar.toString(), "--version").out();
    }

    @BeforeEach
    void settle() throws IOException {
        for (Path pom : modulePoms()) {
            Files.setLastModifiedTime(pom, SOURCES_TIME);
            Path src = pom.resolveSibling("src");
            if (Files.isDirectory(src)) {
                try (Stream<Path> tree = Files.walk(src)) {
                    for (Path p : (Iterable<Path>) tree::iterator) {
                        Files.setLastModifiedTime(p, SOURCES_TIME);
                    }
                }
            }
        }
        Files.setLastModifiedTime(checkout.resolve("pom.xml"), SOURCES_TIME);
        Files.setLastModifiedTime(jar, JAR_TIME);
    }

    @Test
    void aFreshCopyBuildsItselfAndPrintsTheDefaultScenario() {
        assertEquals(0, firstUse.status(), String.join("\n", firstUse.err()));
        assertEquals(List.of(BUILDING), firstUse.err());
        List<String> out = firstUse.out();
        assertEquals(5, out.size(), String.join("\n", out));
        assertEquals(List.of("virt/tdx: BIOS enabled: private KeyID range [32, 64)",
                "virt/tdx: Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.",
                "virt/tdx: 8396820 KB allocated for PAMT", "virt/tdx: module initialized"), out.subList(0, 4));
        assertTrue(out.get(4).startsWith("two-socket-2t: initialized, 8396820 KB PAMT in 3 TDMRs"), out.get(4));
        assertTrue(version.size() == 1 && version.get(0).startsWith("tdxemu "), "--version printed " + version);
    }

    @Test
    void filesWrittenOutsideTheSourcesDoNotRebuild() throws IOException, InterruptedException {
        Path calls = work.resolve("mvn-calls");
        String path = withFakeMaven(calls, true);
        List<Path> written = List.of(checkout.resolve("my-host.json"), checkout.resolve("result.json"),
                checkout.resolve("runs/today/trace.jsonl"), checkout.resolve("scenarios/my-host.json"));
        try {
            for (Path file : written) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, "{}");
            }

            Run r = launcher(path, "--version");

            assertEquals(new Run(0, version, List.of()), r);
            assertFalse(Files.exists(calls), "mvn was called");
            assertEquals(JAR_TIME, Files.getLastModifiedTime(jar));
        } finally {
            for (Path file : written) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(checkout.resolve("runs/today"));
            Files.deleteIfExists(checkout.resolve("runs"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pom.xml", "kernel-model/pom.xml", "scenarios/src/main/java/org/tdxemu/scenarios/cli/Tdxemu.java",
            "kernel-model/src/main/java/org/tdxemu/kernel/init/TdxKernel.java",
            "scenarios/src/main/resources/org/tdxemu/scenarios/library/two-socket-2t.json"})
    void aChangedSourceOrPomRebuildsQuietly(String file) throws IOException, InterruptedException {
        touch(file);

        assertBuildsOnceQuietlyThenRuns();
    }

    @Test
    void aDeletedSourceRebuilds() throws IOException, InterruptedException {
        Path library = checkout.resolve("scenarios/src/main/resources/org/tdxemu/scenarios/library");
        Path scenario = Files.writeString(library.resolve("deleted-later.json"), "{}");
        settle();
        Files.delete(scenario);

        assertBuildsOnceQuietlyThenRuns();
    }

    @Test
    void aFailedBuildShowsMavensOutputAndExits2() throws IOException, InterruptedException {
        touch("pom.xml");

        Run r = launcher(withFakeMaven(work.resolve("mvn-calls"), false));

        assertEquals(new Run(2, List.of(), List.of(BUILDING, "[INFO] Maven talks on stdout", "[ERROR] and on stderr",
                BUILD_FAILED)), r);
        assertEquals(JAR_TIME, Files.getLastModifiedTime(jar));
    }

    @Test
    void withoutMavenAnUpToDateJarRunsWithoutAWord() throws IOException, InterruptedException {
        Run r = launcher(commands(Optional.of(javaOnThisJvm())), "--version");

        assertEquals(new Run(0, version, List.of()), r);
    }

    @Test
    void withoutMavenAStaleJarRunsWithOneWarning() throws IOException, InterruptedException {
        touch("scenarios/src/main/java/org/tdxemu/scenarios/cli/Tdxemu.java");

        Run r = launcher(commands(Optional.of(javaOnThisJvm())), "--version");

        assertEquals(new Run(0, version, List.of(STALE_WITHOUT_MAVEN)), r);
    }

    @Test
    void withoutMavenOrAJarItSaysMavenIsNeeded() throws IOException, InterruptedException {
        Path aside = work.resolve("tdxemu.jar");
        Files.move(jar, aside);
        try {
            Run r = launcher(commands(Optional.of(javaOnThisJvm())));

            assertEquals(new Run(2, List.of(), List.of(NEEDS_MAVEN)), r);
        } finally {
            Files.move(aside, jar);
        }
    }

    @Test
    void withoutJavaItSaysJavaIsNeeded() throws IOException, InterruptedException {
        Run r = launcher(commands(Optional.empty()), "--version");

        assertEquals(new Run(2, List.of(), List.of(NEEDS_JAVA)), r);
    }

    @Test
    void aLauncherReachedThroughSymlinksFindsItsCheckout() throws IOException, InterruptedException {
        Path links = Files.createDirectories(work.resolve("links"));
        Path bin = Files.createDirectories(work.resolve("bin"));
        Files.createSymbolicLink(links.resolve("tdxemu"), checkout.resolve("tdxemu"));
        Files.createSymbolicLink(bin.resolve("tdxemu"), Path.of("../links/tdxemu"));

        Run r = run(work, commands(Optional.of(javaOnThisJvm())), Duration.ofMinutes(1), bin.resolve("tdxemu").toString(),
                "--version");

        assertEquals(new Run(0, version, List.of()), r);
    }

    @Test
    void javaGetsTheLeakDetectionSwitchTheJarAndTheArguments() throws IOException, InterruptedException {
        Run r = launcher(commands(Optional.of(fakeJava())), "run", "two words");

        assertEquals(new Run(0, List.of("-Dio.netty.leakDetection.level=disabled", "-jar", jar.toString(), "run",
                "two words"), List.of()), r);
    }

    @Test
    void aTerminalOnStderrIsPassedOnToJava() throws IOException, InterruptedException {
        Optional<Path> script = onPath("script");
        assertTrue(script.isPresent() && run(work, System.getenv("PATH"), Duration.ofMinutes(1),
                script.get().toString(), "--version").status() == 0,
                "this test needs util-linux's script on PATH, to give the launcher a terminal");
        String path = commands(Optional.of(fakeJava()));

        // script runs the launcher on a new terminal, and copies what it prints there to its stdout.
        Run r = run(checkout, path, Duration.ofMinutes(1), script.get().toString(), "--quiet", "--return",
                "--command", "./tdxemu run", "/dev/null");

        assertEquals(new Run(0, List.of("-Dio.netty.leakDetection.level=disabled", "-Dtdxemu.stderrIsTerminal=true",
                "-jar", jar.toString(), "run"), List.of()), stripCarriageReturns(r));
    }

    @Test
    void theBuildWritesACompletionScriptThatCompletesCommandsAndOptions() throws IOException, InterruptedException {
        Path completion = checkout.resolve("scenarios/target/tdxemu_completion");
        String check = """
                source "$1"
                complete -p tdxemu
                COMP_WORDS=(tdxemu ru); COMP_CWORD=1; COMP_LINE='tdxemu ru'; COMP_POINT=${#COMP_LINE}
                _complete_tdxemu 2>/dev/null; echo "tdxemu ru: ${COMPREPLY[*]}"
                COMP_WORDS=(tdxemu run --js); COMP_CWORD=2; COMP_LINE='tdxemu run --js'; COMP_POINT=${#COMP_LINE}
                _complete_tdxemu 2>/dev/null; echo "tdxemu run --js: ${COMPREPLY[*]}"
                """;

        Run r = run(work, System.getenv("PATH"), Duration.ofMinutes(1), "bash", "--norc", "--noprofile", "-c", check,
                "bash", completion.toString());

        assertEquals(new Run(0, List.of("complete -o default -F _complete_tdxemu tdxemu", "tdxemu ru: run",
                "tdxemu run --js: --json"), List.of()), r);
    }

    /**
     * The launcher's {@code modules=(...)} names the modules whose sources it watches; they must be
     * the ones {@code mvn -pl scenarios -am} builds: scenarios and every tdxemu module it depends on.
     */
    @Test
    void theLauncherWatchesTheModulesTheJarIsBuiltFrom() throws IOException {
        List<String> watched = Files.readAllLines(checkout.resolve("tdxemu")).stream()
                .filter(line -> line.startsWith("modules=(") && line.endsWith(")"))
                .map(line -> Arrays.asList(line.substring("modules=(".length(), line.length() - 1).split(" ")))
                .findFirst().orElseThrow(() -> new AssertionError("no modules=(...) line in ./tdxemu"));

        assertEquals(Set.copyOf(PomDependencies.withUpstream(checkout, "scenarios")), Set.copyOf(watched));
    }

    // --- running the launcher ---

    /**
     * Runs the launcher with a Maven that succeeds: it must build once, in the checkout, show none of
     * Maven's output, and run the jar.
     */
    private void assertBuildsOnceQuietlyThenRuns() throws IOException, InterruptedException {
        Path calls = work.resolve("mvn-calls");

        Run r = launcher(withFakeMaven(calls, true), "--version");

        assertEquals(new Run(0, version, List.of(BUILDING)), r);
        assertEquals(List.of(checkout + " " + BUILD_ARGUMENTS), Files.readAllLines(calls));
    }

    private static void touch(String file) throws IOException {
        Files.setLastModifiedTime(checkout.resolve(file), FileTime.from(Instant.now()));
    }

    private static Run launcher(String path, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("./tdxemu"));
        command.addAll(List.of(arguments));
        return run(checkout, path, Duration.ofMinutes(1), command.toArray(String[]::new));
    }

    /** Runs {@code command} in {@code dir} with {@code path} as PATH and no input; the guard only stops a hung run. */
    private static Run run(Path dir, String path, Duration guard, String... command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(outputs, "out", ".txt");
        Path err = Files.createTempFile(outputs, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("PATH", path);
        Process process = builder.start();
        if (!process.waitFor(guard.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " still running after " + guard + "; it printed "
                    + Files.readString(out) + Files.readString(err));
        }
        Run r = new Run(process.exitValue(), Files.readAllLines(out), Files.readAllLines(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private static Run stripCarriageReturns(Run r) {
        return new Run(r.status(), r.out().stream().map(line -> line.replace("\r", "")).toList(),
                r.err().stream().map(line -> line.replace("\r", "")).toList());
    }

    /** A folder that is all of PATH: the shell commands the launcher needs, {@code java} if given, never Maven. */
    private String commands(Optional<Path> java) throws IOException {
        Path bin = Files.createDirectories(work.resolve("commands"));
        for (String name : SHELL_COMMANDS) {
            Path target = onPath(name).orElseThrow(() -> new AssertionError(name + " is not on PATH"));
            Files.createSymbolicLink(bin.resolve(name), target);
        }
        if (java.isPresent()) {
            Files.createSymbolicLink(bin.resolve("java"), java.get());
        }
        return bin.toString();
    }

    /**
     * This PATH behind a Maven that notes where and how it was called, talks on both outputs, then
     * touches the jar or fails.
     */
    private String withFakeMaven(Path calls, boolean succeeds) throws IOException {
        Path bin = Files.createDirectories(work.resolve("fake-maven"));
        executable(bin.resolve("mvn"), """
                #!/bin/sh
                echo "$PWD $*" >> '%s'
                echo '[INFO] Maven talks on stdout'
                echo '[ERROR] and on stderr' >&2
                %s
                """.formatted(calls, succeeds ? "touch '" + jar + "'" : "exit 1"));
        return bin + File.pathSeparator + System.getenv("PATH");
    }

    /** A java that prints its arguments, one a line. */
    private Path fakeJava() throws IOException {
        Path bin = Files.createDirectories(work.resolve("fake-java"));
        return executable(bin.resolve("java"), """
                #!/bin/sh
                for argument in "$@"; do echo "$argument"; done
                """);
    }

    private static Path executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        assertTrue(file.toFile().setExecutable(true), "chmod +x " + file);
        return file;
    }

    private static Path javaOnThisJvm() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static Optional<Path> onPath(String name) {
        return Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
    }

    // --- the copy ---

    private static List<Path> modulePoms() throws IOException {
        try (Stream<Path> children = Files.list(checkout)) {
            return children.map(child -> child.resolve("pom.xml")).filter(Files::isRegularFile).toList();
        }
    }

    /** Copies {@code from} to {@code to} as a clone has it plus the work in progress, modes and times kept. */
    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!dir.equals(from) && NOT_COPIED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (!NOT_COPIED.contains(file.getFileName().toString())) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
