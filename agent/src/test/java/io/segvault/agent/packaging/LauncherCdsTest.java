package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The class-data-sharing archive of bin/segvault: recorded by the first run of a command, used by the next, renamed
 * into place only after a successful run, switched off by SEGVAULT_CDS=off; with a stand-in java that logs its calls
 * and with this machine's real JVM (a damaged archive is ignored without a word).
 */
class LauncherCdsTest {

    @TempDir
    Path tmp;

    private Path jdk;
    private Path launcher;
    private Path jar;
    private Path cache;
    private Path calls;

    @BeforeEach
    void install() throws IOException {
        jdk = tmp.resolve("jdk");
        calls = tmp.resolve("java-calls");
        // the stand-in: answers -version, writes the archive it is asked to record or build, prints its arguments
        executable(jdk.resolve("bin/java"), """
                #!/bin/sh
                mode=
                for a in "$@"; do
                    case $a in
                        -version) echo probe >>"$FAKE_CALLS"; printf 'openjdk version "17.0.15" 2025-04-15\\n' >&2; exit 0 ;;
                        -XX:AOTMode=*) mode=${a#*=} ;;
                    esac
                done
                if [ "$mode" = create ]; then
                    echo "create $*" >>"$FAKE_CALLS"
                    for a in "$@"; do
                        case $a in -XX:AOTCache=*) echo archive >"${a#*=}" ;; esac
                    done
                    echo "building the cache" # the launcher keeps this off its output
                    exit 0
                fi
                echo run >>"$FAKE_CALLS"
                [ -z "${FAKE_SIGNAL:-}" ] || kill -"$FAKE_SIGNAL" $$ # as the kernel's OOM killer or a crash ends a JVM
                if [ -n "${FAKE_WAIT:-}" ]; then
                    sleep 600 &
                    idle=$!
                    trap 'got=TERM; kill "$idle"' TERM
                    got=
                    : >"$FAKE_WAIT"
                    wait "$idle" # returns at once when TERM arrives: its trap runs
                    echo "java got $got" >>"$FAKE_CALLS"
                fi
                for a in "$@"; do
                    case $a in
                        -XX:ArchiveClassesAtExit=*) echo archive >"${a#*=}" ;;
                        -XX:AOTConfiguration=*) echo configuration >"${a#*=}" ;;
                    esac
                    printf '%s\\n' "$a"
                done
                exit "${FAKE_EXIT:-0}"
                """);
        release("17.0.15");
        Path prefix = tmp.resolve("opt/segvault");
        jar = prefix.resolve("lib/segvault.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "not really a jar");
        launcher = prefix.resolve("bin/segvault");
        Files.createDirectories(launcher.getParent());
        Files.copy(ProjectFiles.file("bin/segvault"), launcher);
        cache = tmp.resolve("cache");
    }

    @Test
    void the_first_run_records_an_archive_and_the_next_uses_it_without_asking_java_its_version() throws IOException {
        ProjectFiles.Run first = launch(env(), "sync", "--config", "a.yaml");

        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(first.stderr()).isEmpty();
        List<Path> archives = archives();
        assertThat(archives).hasSize(1);
        Path archive = archives.get(0);
        assertThat(archive.getFileName().toString()).startsWith("segvault-sync-").endsWith(".jsa");
        assertThat(Files.readString(archive)).isEqualTo("archive\n");
        assertThat(first.stdoutLines()).anyMatch(l -> l.startsWith("-XX:ArchiveClassesAtExit=" + archive + ".tmp."))
                .contains("-Xlog:cds=off", "-Xmx256m", "-XX:+UseSerialGC", "sync", "--config", "a.yaml");
        assertThat(Files.readAllLines(calls)).containsExactly("probe", "run");

        Files.delete(calls);
        ProjectFiles.Run second = launch(env(), "sync", "--config", "a.yaml");

        assertThat(second.exit()).as(second.stderr()).isZero();
        assertThat(second.stdoutLines()).containsExactly("-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-XX:SharedArchiveFile=" + archive, "-Xmx256m", "-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=15000", "-XX:Tier4CompileThreshold=20000", "-XX:NewRatio=9", "-jar", jar.toRealPath().toString(), "sync", "--config", "a.yaml");
        assertThat(Files.readAllLines(calls)).as("no version probe once the archive exists").containsExactly("run");
        assertThat(archives()).containsExactly(archive);
    }

    @Test
    void each_command_and_each_jar_gets_its_own_archive() throws IOException {
        launch(env(), "sync");
        launch(env(), "run");
        assertThat(archives()).hasSize(2);

        Files.writeString(jar, "a rebuilt jar of another size");
        ProjectFiles.Run r = launch(env(), "sync");

        assertThat(r.stdoutLines()).anyMatch(l -> l.startsWith("-XX:ArchiveClassesAtExit="));
        assertThat(archives()).hasSize(3);
    }

    @Test
    void a_failed_first_run_leaves_no_archive_and_no_temporary_file() throws IOException {
        Map<String, String> env = env();
        env.put("FAKE_EXIT", "1");

        ProjectFiles.Run r = launch(env, "sync");

        assertThat(r.exit()).isEqualTo(1);
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void a_first_run_that_found_problems_ran_to_the_end_and_keeps_its_archive() throws IOException {
        Map<String, String> env = env();
        env.put("FAKE_EXIT", "3");

        ProjectFiles.Run r = launch(env, "verify");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(archives()).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).startsWith("segvault-verify-"));
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).as("no temporary file left").hasSize(1);
        }
    }

    @Test
    void off_means_plain_java_jar_and_no_cache_directory() throws IOException {
        Map<String, String> env = env();
        env.put("SEGVAULT_CDS", "off");

        ProjectFiles.Run r = launch(env, "status");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdoutLines()).containsExactly("-Xmx256m", "-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=15000", "-XX:Tier4CompileThreshold=20000", "-XX:NewRatio=9", "-jar", jar.toRealPath().toString(), "status");
        assertThat(cache).doesNotExist();
    }

    @Test
    void the_cache_defaults_to_xdg_cache_home_then_home() throws IOException {
        Map<String, String> env = env();
        env.remove("SEGVAULT_CDS_DIR");
        env.put("HOME", tmp.resolve("home").toString());
        launch(env, "sync");
        env.put("XDG_CACHE_HOME", tmp.resolve("xdg").toString());
        launch(env, "sync");

        assertThat(listJsa(tmp.resolve("home/.cache/segvault"))).hasSize(1);
        assertThat(listJsa(tmp.resolve("xdg/segvault"))).hasSize(1);
    }

    @Test
    void a_cache_that_cannot_be_created_costs_only_the_archive() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Map<String, String> env = env();
        env.put("SEGVAULT_CDS_DIR", file.resolve("cds").toString());

        ProjectFiles.Run r = launch(env, "status");

        assertThat(r.exit()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdoutLines()).containsExactly("-Xmx256m", "-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=15000", "-XX:Tier4CompileThreshold=20000", "-XX:NewRatio=9", "-jar", jar.toRealPath().toString(), "status");
    }

    @Test
    void a_cache_directory_writable_by_group_is_neither_used_nor_recorded_into_and_says_why_once() throws IOException {
        assertThat(launch(env(), "sync").exit()).isZero();
        Path archive = archives().get(0);
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxr-x"));
        Files.delete(calls);

        ProjectFiles.Run r = launch(env(), "sync");
        ProjectFiles.Run other = launch(env(), "run");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdoutLines()).containsExactly(plainJava("sync"));
        assertThat(r.stderr().lines()).singleElement().asString()
                .contains(cache.toString(), "writable by group or others", "starting without it");
        assertThat(other.stdoutLines()).as("no recording either").containsExactly(plainJava("run"));
        assertThat(archives()).containsExactly(archive);
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).as("nothing written into it").containsExactly(archive);
        }
    }

    @Test
    void a_cache_directory_of_another_user_is_neither_used_nor_recorded_into() throws Exception {
        assertThat(launch(env(), "sync").exit()).isZero();
        Path archive = archives().get(0);
        chownNobody(cache);

        ProjectFiles.Run r = launch(env(), "sync");
        ProjectFiles.Run other = launch(env(), "run");

        assertThat(r.stdoutLines()).containsExactly(plainJava("sync"));
        assertThat(r.stderr().lines()).singleElement().asString()
                .contains(cache.toString(), "belongs to user id " + Files.getAttribute(cache, "unix:uid"));
        assertThat(other.stdoutLines()).containsExactly(plainJava("run"));
        assertThat(archives()).containsExactly(archive);
    }

    @Test
    void an_archive_writable_by_group_or_of_another_user_is_not_used_and_a_safe_one_is_recorded_in_its_place()
            throws Exception {
        assertThat(launch(env(), "sync").exit()).isZero();
        Path archive = archives().get(0);
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-r--"));

        ProjectFiles.Run r = launch(env(), "sync");

        assertThat(r.stdoutLines()).noneMatch(l -> l.startsWith("-XX:SharedArchiveFile"))
                .anyMatch(l -> l.startsWith("-XX:ArchiveClassesAtExit=" + archive + ".tmp."));
        assertThat(r.stderr().lines()).singleElement().asString()
                .contains(archive.toString(), "writable by group or others");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("rw-r--r--");

        chownNobody(archive);
        ProjectFiles.Run foreign = launch(env(), "sync");

        assertThat(foreign.stdoutLines()).noneMatch(l -> l.startsWith("-XX:SharedArchiveFile"));
        assertThat(foreign.stderr()).contains(archive.toString(), "belongs to user id ");
        assertThat(Files.getAttribute(archive, "unix:uid")).as("replaced by our own")
                .isEqualTo(Files.getAttribute(cache, "unix:uid"));
        assertThat(launch(env(), "sync").stdoutLines()).contains("-XX:SharedArchiveFile=" + archive);
    }

    @Test
    void under_a_permissive_umask_the_directory_and_the_archive_are_made_writable_only_by_their_owner()
            throws IOException {
        ProjectFiles.Run r = ProjectFiles.run(tmp, env(), "sh", "-c", "umask 002 && exec dash \"$0\" sync",
                launcher.toString());

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(cache).satisfies(dir -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------"));
        assertThat(archives()).singleElement().satisfies(archive -> assertThat(PosixFilePermissions.toString(
                Files.getPosixFilePermissions(archive))).isEqualTo("rw-r--r--"));
        ProjectFiles.Run second = launch(env(), "sync");
        assertThat(second.stderr()).isEmpty();
        assertThat(second.stdoutLines()).anyMatch(l -> l.startsWith("-XX:SharedArchiveFile="));
    }

    @ParameterizedTest(name = "Java {0}")
    @ValueSource(strings = {"17.0.15", "25.0.3"})
    void sigterm_to_the_launcher_reaches_the_recording_jvm_and_a_clean_exit_keeps_the_archive(String version)
            throws Exception {
        release(version);
        Process p = runWaitingForTerm(env());

        p.destroy(); // SIGTERM to the launcher only, as `kill PID` or a supervisor without cgroups would send

        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("err"))).isZero();
        assertThat(Files.readAllLines(calls)).contains("java got TERM");
        assertThat(archives()).singleElement().satisfies(a -> assertThat(a.toString()).endsWith(version.startsWith("25")
                ? ".aot" : ".jsa"));
    }

    @ParameterizedTest(name = "Java {0}, {1}")
    @CsvSource({"17.0.15, KILL, 137", "25.0.3, KILL, 137", "25.0.3, ABRT, 134", "17.0.15, SEGV, 139"})
    void a_recording_jvm_ended_by_a_signal_ends_the_launcher_at_once_with_its_status_and_leaves_nothing(String version,
            String signal, int status) throws IOException {
        release(version);
        Map<String, String> env = env();
        env.put("FAKE_SIGNAL", signal);

        // before the fix the launcher waited for the dead JVM again and again, at full CPU, and never exited
        ProjectFiles.Run r = ProjectFiles.run(20, tmp, env, "dash", launcher.toString(), "run");

        assertThat(r.exit()).as(r.stderr()).isEqualTo(status);
        assertThat(Files.readAllLines(calls)).containsExactly("probe", "run");
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void a_sigterm_after_which_the_recording_jvm_exits_143_ends_the_launcher_with_143() throws Exception {
        release("25.0.3");
        Map<String, String> env = env();
        env.put("FAKE_EXIT", "143"); // what a real JVM exits with after its shutdown hooks ran on SIGTERM
        Process p = runWaitingForTerm(env);

        p.destroy(); // systemctl stop: TERM to the launcher (and, with cgroups, to the JVM too)

        boolean ended = p.waitFor(30, TimeUnit.SECONDS);
        p.destroyForcibly();
        assertThat(ended).as("the launcher exits once the JVM has").isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(Files.readAllLines(calls)).contains("java got TERM");
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void on_java_25_the_archive_is_an_ahead_of_time_cache_recorded_built_and_used_the_same_way() throws IOException {
        release("25.0.3");

        ProjectFiles.Run first = launch(env(), "sync");

        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(first.stderr()).isEmpty();
        Path cacheFile = archives().get(0);
        assertThat(cacheFile.getFileName().toString()).startsWith("segvault-sync-").endsWith(".aot");
        assertThat(Files.readString(cacheFile)).isEqualTo("archive\n");
        assertThat(first.stdoutLines()).contains("-Xlog:aot=off", "-XX:-DisplayVMOutput", "-XX:AOTMode=record", "sync")
                .anyMatch(l -> l.matches("-XX:AOTConfiguration=" + Pattern.quote(cacheFile.toString()) + "\\.tmp\\.\\d+\\.config"))
                .noneMatch(l -> l.startsWith("-XX:ArchiveClassesAtExit") || l.startsWith("-Xshare"))
                .doesNotContain("building the cache");
        List<String> calls1 = Files.readAllLines(calls);
        assertThat(calls1).hasSize(3).startsWith("probe", "run");
        assertThat(calls1.get(2)).startsWith("create -Xlog:aot=off -Xlog:cds=off -XX:AOTMode=create -XX:AOTConfiguration=" + cacheFile + ".tmp.")
                .contains(" -XX:AOTCache=" + cacheFile + ".tmp.", " -Xmx256m -XX:+UseSerialGC ")
                .endsWith(" -cp " + jar.toRealPath());

        Files.delete(calls);
        ProjectFiles.Run second = launch(env(), "sync");

        assertThat(second.stdoutLines()).containsExactly("-Xlog:aot=off", "-Xlog:cds=off",
                "-XX:AOTCache=" + cacheFile, "-Xmx256m", "-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=15000",
                "-XX:Tier4CompileThreshold=20000", "-XX:NewRatio=9", "-XX:CompileCommand=quiet", "-XX:CompileCommand=MemLimit,*.*,16m", "-jar",
                jar.toRealPath().toString(), "sync");
        assertThat(Files.readAllLines(calls)).containsExactly("run");
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).as("no temporary file or configuration left").containsExactly(cacheFile);
        }
    }

    @Test
    void on_java_25_a_failed_first_run_builds_no_cache_and_leaves_nothing() throws IOException {
        release("25.0.3");
        Map<String, String> env = env();
        env.put("FAKE_EXIT", "1");

        assertThat(launch(env, "sync").exit()).isEqualTo(1);

        assertThat(Files.readAllLines(calls)).containsExactly("probe", "run");
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void without_a_release_file_the_version_is_probed_once_then_the_archive_of_this_jvm_says_its_kind() throws IOException {
        Files.delete(jdk.resolve("release"));

        launch(env(), "sync");
        assertThat(Files.readAllLines(calls)).containsExactly("probe", "probe", "run");
        Path archive = archives().get(0);
        assertThat(archive.getFileName().toString()).endsWith(".jsa");

        Files.delete(calls);
        ProjectFiles.Run second = launch(env(), "sync");

        assertThat(second.stdoutLines()).contains("-XX:SharedArchiveFile=" + archive);
        assertThat(Files.readAllLines(calls)).containsExactly("run");
    }

    @Test
    void other_jvm_options_make_another_archive() throws IOException {
        launch(env(), "sync");
        Map<String, String> env = env();
        env.put("SEGVAULT_JAVA_OPTS", "-Xmx512m");

        ProjectFiles.Run r = launch(env, "sync");

        assertThat(r.stdoutLines()).anyMatch(l -> l.startsWith("-XX:ArchiveClassesAtExit=")).contains("-Xmx512m");
        assertThat(archives()).hasSize(2);
    }

    @Test
    void with_the_real_java_25_the_ahead_of_time_cache_is_recorded_used_renewed_for_a_new_jar_and_a_damaged_one_ignored()
            throws IOException {
        Path java25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        assertThat(java25).as("this test needs Temurin 25 where the build machines have it").isExecutable();
        Files.delete(jar);
        helloJar(jar);
        Path loads = Files.createDirectories(tmp.resolve("class-load"));
        Map<String, String> env = env();
        env.put("SEGVAULT_JAVA", java25.toString());
        // the same options in every run (they are part of the archive's name): which classes came from the cache
        env.put("SEGVAULT_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -Xlog:class+load=info:file=" + loads + "/%p.log");

        ProjectFiles.Run first = launch(env, "hello");

        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(first.stdout()).isEqualTo("hello from a jar\n");
        assertThat(first.stderr()).isEmpty();
        Path aot = archives().get(0);
        assertThat(aot.getFileName().toString()).endsWith(".aot");
        assertThat(Files.size(aot)).isGreaterThan(4096);
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).as("no temporary file or configuration left").containsExactly(aot);
        }

        drain(loads);
        ProjectFiles.Run second = launch(env, "hello");

        assertThat(second.stdout()).isEqualTo("hello from a jar\n");
        assertThat(second.stderr()).isEmpty();
        assertThat(drain(loads)).as("the jar's class came from the cache")
                .anyMatch(l -> l.contains(Hello.class.getName() + " source: shared objects file"));

        // a rebuilt jar gets a cache of its own: Java 25.0.3 does not always notice that the jar a cache was built
        // from has changed (it ran a class of the old jar from the cache), so the launcher must never hand it one
        Files.delete(jar);
        helloJar(jar, "another-entry");
        drain(loads);
        ProjectFiles.Run rebuilt = launch(env, "hello");

        assertThat(rebuilt.exit()).isZero();
        assertThat(rebuilt.stderr()).isEmpty();
        // (the JVM that then builds the new cache logs too, its classes from the recorded configuration)
        assertThat(drain(loads)).as("the old jar's cache was not mapped: the class came from the new jar")
                .anyMatch(l -> l.contains(Hello.class.getName() + " source: file:"));
        assertThat(archives()).hasSize(2);
        Path newAot = archives().stream().filter(p -> !p.equals(aot)).findFirst().orElseThrow();

        Files.writeString(newAot, "this is not an ahead-of-time cache");
        ProjectFiles.Run damaged = launch(env, "hello");

        assertThat(damaged.exit()).isZero();
        assertThat(damaged.stdout()).isEqualTo("hello from a jar\n");
        assertThat(damaged.stderr()).isEmpty();
    }

    @Test
    void with_the_real_jvm_the_archive_is_recorded_used_and_a_damaged_one_ignored_silently() throws IOException {
        Files.delete(jar);
        helloJar(jar);
        Map<String, String> env = env();
        env.put("JAVA_HOME", System.getProperty("java.home"));

        ProjectFiles.Run first = launch(env, "hello");
        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(first.stdout()).isEqualTo("hello from a jar\n");
        assertThat(first.stderr()).isEmpty();
        List<Path> archives = archives();
        assertThat(archives).hasSize(1);
        assertThat(Files.size(archives.get(0))).isGreaterThan(4096);

        ProjectFiles.Run second = launch(env, "hello");
        assertThat(second.stdout()).isEqualTo("hello from a jar\n");
        assertThat(second.stderr()).isEmpty();

        Files.writeString(archives.get(0), "this is not a class-data archive");
        ProjectFiles.Run damaged = launch(env, "hello");
        assertThat(damaged.exit()).isZero();
        assertThat(damaged.stdout()).isEqualTo("hello from a jar\n");
        assertThat(damaged.stderr()).isEmpty();
    }

    /** The lines of the logs in {@code dir}, which are removed. */
    private static List<String> drain(Path dir) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.toList()) {
                lines.addAll(Files.readAllLines(log));
                Files.delete(log);
            }
        }
        return lines;
    }

    /** Main class of the jar the real JVM runs. */
    public static final class Hello {
        private Hello() {
        }

        public static void main(String[] args) {
            System.out.println("hello from a jar");
        }
    }

    private static void helloJar(Path target) throws IOException {
        helloJar(target, null);
    }

    /** A jar of {@link Hello}, with an empty entry named {@code extra} when that is not null. */
    private static void helloJar(Path target, String extra) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Hello.class.getName());
        String entry = Hello.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(target); JarOutputStream jarOut = new JarOutputStream(out, manifest);
             InputStream in = Hello.class.getClassLoader().getResourceAsStream(entry)) {
            jarOut.putNextEntry(new JarEntry(entry));
            in.transferTo(jarOut);
            jarOut.closeEntry();
            if (extra != null) {
                jarOut.putNextEntry(new JarEntry(extra));
                jarOut.closeEntry();
            }
        }
    }

    private void release(String version) throws IOException {
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("JAVA_HOME", jdk.toString());
        env.put("SEGVAULT_CDS_DIR", cache.toString());
        env.put("FAKE_CALLS", calls.toString());
        return env;
    }

    private String[] plainJava(String command) throws IOException {
        return new String[] {"-Xmx256m", "-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=15000",
            "-XX:Tier4CompileThreshold=20000", "-XX:NewRatio=9", "-jar", jar.toRealPath().toString(), command};
    }

    /** Gives PATH to user nobody, as root can; fails (not skips) where the tests do not run as root. */
    private void chownNobody(Path path) throws IOException {
        ProjectFiles.Run chown = ProjectFiles.run(tmp, env(), "chown", "nobody", path.toString());
        assertThat(chown.exit()).as("chown nobody %s (these tests run as root): %s", path, chown.stderr()).isZero();
    }

    /** Starts {@code segvault run} through the launcher, the stand-in JVM waiting for a TERM; returns once it waits. */
    private Process runWaitingForTerm(Map<String, String> env) throws IOException {
        Path ready = tmp.resolve("java-started");
        env.put("FAKE_WAIT", ready.toString());
        ProcessBuilder pb = new ProcessBuilder("dash", launcher.toString(), "run").directory(tmp.toFile())
                .redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(ready));
        return p;
    }

    private ProjectFiles.Run launch(Map<String, String> env, String... args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "dash";
        cmd[1] = launcher.toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        return ProjectFiles.run(tmp, env, cmd);
    }

    private List<Path> archives() throws IOException {
        return listJsa(cache);
    }

    private static List<Path> listJsa(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("segvault-.*\\.(jsa|aot)")).sorted().toList();
        }
    }

    private static void executable(Path p, String content) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
