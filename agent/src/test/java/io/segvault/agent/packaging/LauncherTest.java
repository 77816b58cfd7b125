package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/segvault, run by dash (Debian's /bin/sh) in the layouts it supports, with a stand-in java that prints the
 * arguments it was given (and a real one for the version check).
 */
class LauncherTest {

    private static final String JAVA_17 = "openjdk version \"17.0.15\" 2025-04-15";

    @TempDir
    Path tmp;

    private Path jdk;

    @BeforeEach
    void fakeJava() throws IOException {
        jdk = tmp.resolve("jdk");
        executable(jdk.resolve("bin/java"), """
                #!/bin/sh
                if [ "$1" = -version ]; then
                    printf '%s\\n' "$FAKE_VERSION" 'OpenJDK Runtime Environment' >&2
                    exit 0
                fi
                for a in "$@"; do printf '%s\\n' "$a"; done
                exit "${FAKE_EXIT:-0}"
                """);
    }

    @Test
    void installed_layout_runs_java_jar_with_default_heap_and_passes_every_argument_unchanged() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));

        ProjectFiles.Run r = launch(launcher, env(JAVA_17), "run", "--config", "/etc/segvault/agent.yaml", "two words", "*");

        assertThat(r.stderr()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.stdoutLines()).containsExactly("-Xmx256m", "-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=15000", "-XX:Tier4CompileThreshold=20000", "-XX:NewRatio=9", "-jar", real(tmp.resolve("opt/segvault/lib/segvault.jar")),
                "run", "--config", "/etc/segvault/agent.yaml", "two words", "*");
    }

    @Test
    void a_symbolic_link_to_the_launcher_finds_the_jar_beside_the_real_script() throws IOException {
        install(tmp.resolve("opt/segvault"));
        Path link = tmp.resolve("usr/local/bin/segvault");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of("../../../opt/segvault/bin/segvault"));

        ProjectFiles.Run r = launch(link, env(JAVA_17), "status");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdoutLines()).containsExactly("-Xmx256m", "-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=15000", "-XX:Tier4CompileThreshold=20000", "-XX:NewRatio=9", "-jar", real(tmp.resolve("opt/segvault/lib/segvault.jar")), "status");
    }

    @Test
    void in_a_checkout_it_uses_the_jar_maven_built() throws IOException {
        Path launcher = copyLauncher(tmp.resolve("checkout/bin/segvault"));
        Path jar = jarAt(tmp.resolve("checkout/agent/target/segvault.jar"));

        ProjectFiles.Run r = launch(launcher, env(JAVA_17), "points", "--repo", "x");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdoutLines()).containsExactly("-Xmx256m", "-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=15000", "-XX:Tier4CompileThreshold=20000", "-XX:NewRatio=9", "-jar", real(jar), "points", "--repo", "x");
    }

    @Test
    void segvault_jar_and_java_opts_from_the_environment_win() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        Path other = jarAt(tmp.resolve("elsewhere/segvault-dev.jar"));
        Map<String, String> env = env(JAVA_17);
        env.put("SEGVAULT_JAR", other.toString());
        env.put("SEGVAULT_JAVA_OPTS", "-Xmx1g  -Dsegvault.test=a*b");

        ProjectFiles.Run r = launch(launcher, env, "--version");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdoutLines()).containsExactly("-Xmx1g", "-Dsegvault.test=a*b", "-jar", other.toString(), "--version");
    }

    @Test
    void empty_java_opts_means_no_options() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        Map<String, String> env = env(JAVA_17);
        env.put("SEGVAULT_JAVA_OPTS", "");

        ProjectFiles.Run r = launch(launcher, env, "status");

        assertThat(r.stdoutLines()).containsExactly("-jar", real(tmp.resolve("opt/segvault/lib/segvault.jar")), "status");
    }

    @Test
    void extra_java_opts_are_added_to_the_defaults_or_to_java_opts() throws IOException {
        // the systemd units add -XX:+ExitOnOutOfMemoryError this way and keep the launcher's collector and heap options
        Path launcher = install(tmp.resolve("opt/segvault"));
        String jar = real(tmp.resolve("opt/segvault/lib/segvault.jar"));
        Map<String, String> env = env(JAVA_17);
        env.put("SEGVAULT_JAVA_OPTS_EXTRA", "-XX:+ExitOnOutOfMemoryError  -Xmx512m");

        ProjectFiles.Run r = launch(launcher, env, "status");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdoutLines()).containsExactly("-Xmx256m", "-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=15000",
                "-XX:Tier4CompileThreshold=20000", "-XX:NewRatio=9", "-XX:+ExitOnOutOfMemoryError", "-Xmx512m", "-jar", jar, "status");

        env.put("SEGVAULT_JAVA_OPTS", "-Xmx1g");
        assertThat(launch(launcher, env, "status").stdoutLines())
                .containsExactly("-Xmx1g", "-XX:+ExitOnOutOfMemoryError", "-Xmx512m", "-jar", jar, "status");
    }

    @Test
    void the_exit_code_of_segvault_is_the_launchers_exit_code() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        Map<String, String> env = env(JAVA_17);
        env.put("FAKE_EXIT", "3");

        assertThat(launch(launcher, env, "verify").exit()).isEqualTo(3);
    }

    @Test
    void no_jar_anywhere_exits_2_and_says_where_it_looked_and_how_to_build_it() throws IOException {
        Path launcher = copyLauncher(tmp.resolve("lonely/bin/segvault"));

        ProjectFiles.Run r = launch(launcher, env(JAVA_17), "status");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("segvault: error: segvault.jar not found")
                .contains("/lib/segvault.jar", "agent/target/segvault.jar", "./mvnw -B -DskipTests package", "SEGVAULT_JAR");
    }

    @Test
    void a_segvault_jar_that_does_not_exist_is_an_error_not_a_fallback() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        Map<String, String> env = env(JAVA_17);
        env.put("SEGVAULT_JAR", tmp.resolve("missing.jar").toString());

        ProjectFiles.Run r = launch(launcher, env, "status");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("SEGVAULT_JAR=" + tmp.resolve("missing.jar"), "does not exist");
    }

    @Test
    void no_java_at_all_says_java_17_is_needed() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        Path emptyBin = Files.createDirectories(tmp.resolve("empty-bin"));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", emptyBin.toString());
        env.put("SEGVAULT_JAVA_DIRS", tmp.resolve("no-jvms").toString());

        ProjectFiles.Run r = ProjectFiles.run(tmp, env, "/bin/sh", launcher.toString(), "status");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("no java on PATH or in " + tmp.resolve("no-jvms"),
                "neither SEGVAULT_JAVA nor JAVA_HOME is set", "Java 17 or newer", "openjdk-17-jre-headless");
    }

    @Test
    void without_an_explicit_choice_the_highest_java_17_or_newer_wins_read_from_release_files() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        Path jvms = jvms("java-11", "11.0.21", "java-17", "17.0.15", "temurin-25", "25.0.3", "java-21", "21.0.8");

        ProjectFiles.Run r = launch(launcher, discovery(onPath(jvms.resolve("java-17")), jvms), "status");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdoutLines()).first().isEqualTo("ran temurin-25");
        assertThat(r.stdoutLines()).endsWith("-jar", real(tmp.resolve("opt/segvault/lib/segvault.jar")), "status");
        assertThat(tmp.resolve("probes")).as("no JVM was started to learn a version").doesNotExist();
    }

    @Test
    void java_on_path_wins_among_runtimes_of_the_same_major_version() throws IOException {
        Path pathBin = onPath(fakeHome(tmp.resolve("opt/jdk-21"), "21.0.8"));

        ProjectFiles.Run r = launch(install(tmp.resolve("opt/segvault")), discovery(pathBin, jvms("a-21", "21.0.1")), "status");

        assertThat(r.stdoutLines()).first().isEqualTo("ran jdk-21");
    }

    @Test
    void a_runtime_without_a_release_file_is_asked_its_version_and_can_win() throws IOException {
        Path jvms = jvms("java-17", "17.0.15", "bare-21", "21.0.8");
        Files.delete(jvms.resolve("bare-21/release"));
        Map<String, String> env = noJavaOnPath(jvms);
        env.put("FAKE_VERSION", "openjdk version \"21.0.8\" 2025-07-15");

        ProjectFiles.Run r = launch(install(tmp.resolve("opt/segvault")), env, "status");

        assertThat(r.stdoutLines()).first().isEqualTo("ran bare-21");
        assertThat(Files.readAllLines(tmp.resolve("probes"))).containsExactly("bare-21");
    }

    @Test
    void only_runtimes_older_than_17_is_one_line_naming_each() throws IOException {
        Path jvms = jvms("java-8", "1.8.0_372", "java-11", "11.0.21");
        Path pathBin = onPath(jvms.resolve("java-11"));

        ProjectFiles.Run r = launch(install(tmp.resolve("opt/segvault")), discovery(pathBin, jvms), "status");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().lines()).singleElement().asString().startsWith("segvault: error: no Java 17 or newer found")
                .contains(pathBin.resolve("java") + " is Java 11.0.21", jvms.resolve("java-8/bin/java") + " is Java 1.8.0_372",
                        "needs Java 17 or newer", "SEGVAULT_JAVA");
    }

    @Test
    void segvault_java_then_java_home_win_over_a_newer_runtime_and_are_used_as_given() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        Path jdk17 = fakeHome(tmp.resolve("jdk-17"), "17.0.15");
        Map<String, String> env = noJavaOnPath(jvms("temurin-25", "25.0.3"));
        env.put("JAVA_HOME", fakeHome(tmp.resolve("jdk-21"), "21.0.8").toString());

        assertThat(launch(launcher, env, "status").stdoutLines()).first().isEqualTo("ran jdk-21");

        env.put("SEGVAULT_JAVA", jdk17.resolve("bin/java").toString());
        ProjectFiles.Run r = launch(launcher, env, "status");

        assertThat(r.stdoutLines()).first().isEqualTo("ran jdk-17");
        assertThat(r.stdoutLines()).contains("-Xmx256m", "status");
        assertThat(tmp.resolve("probes")).doesNotExist();
    }

    @Test
    void an_explicit_java_older_than_17_or_not_executable_is_an_error_not_a_fallback() throws IOException {
        Path jdk11 = fakeHome(tmp.resolve("jdk-11"), "11.0.21");
        Map<String, String> env = noJavaOnPath(jvms("temurin-25", "25.0.3"));
        env.put("SEGVAULT_JAVA", jdk11.resolve("bin/java").toString());
        Path launcher = install(tmp.resolve("opt/segvault"));

        ProjectFiles.Run old = launch(launcher, env, "status");

        assertThat(old.exit()).isEqualTo(2);
        assertThat(old.stdout()).isEmpty();
        assertThat(old.stderr()).contains(jdk11.resolve("bin/java") + " is Java 11.0.21", "needs Java 17 or newer");

        env.put("SEGVAULT_JAVA", jdk11.resolve("release").toString());
        ProjectFiles.Run notJava = launch(launcher, env, "status");

        assertThat(notJava.exit()).isEqualTo(2);
        assertThat(notJava.stderr()).startsWith("segvault: error: SEGVAULT_JAVA=" + jdk11.resolve("release")
                + " is not an executable file");
    }

    @Test
    void java_home_without_a_java_is_named() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        Map<String, String> env = env(JAVA_17);
        env.put("JAVA_HOME", tmp.resolve("not-a-jdk").toString());

        ProjectFiles.Run r = launch(launcher, env, "status");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("JAVA_HOME=" + tmp.resolve("not-a-jdk") + " has no executable bin/java");
    }

    @Test
    void java_8_and_11_are_refused_with_their_version() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        for (String line : new String[] {"java version \"1.8.0_372\"", "openjdk version \"11.0.21\" 2023-10-17"}) {
            ProjectFiles.Run r = launch(launcher, env(line), "status");

            assertThat(r.exit()).as(line).isEqualTo(2);
            assertThat(r.stdout()).as(line).isEmpty();
            assertThat(r.stderr()).as(line).contains("is Java " + line.split("\"")[1], "needs Java 17 or newer");
        }
    }

    @Test
    void versions_without_dots_and_early_access_builds_are_understood() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        for (String line : new String[] {"openjdk version \"21\" 2023-09-19", "openjdk version \"25-ea\" 2025-09-16"}) {
            ProjectFiles.Run r = launch(launcher, env(line), "status");

            assertThat(r.exit()).as(line + ": " + r.stderr()).isZero();
        }
    }

    @Test
    void the_real_java_of_this_machine_passes_the_check_and_is_executed() throws IOException {
        Path launcher = install(tmp.resolve("opt/segvault"));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("JAVA_HOME", System.getProperty("java.home"));

        ProjectFiles.Run r = launch(launcher, env, "status");

        // the stand-in jar is not a jar: reaching java's own complaint proves the launcher accepted this java and exec'd it
        assertThat(r.stderr()).doesNotContain("segvault: error").contains("Invalid or corrupt jarfile");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void the_script_is_posix_sh() {
        ProjectFiles.Run r = ProjectFiles.run(tmp, Map.of("PATH", "/usr/bin:/bin"), "dash", "-n",
                ProjectFiles.file("bin/segvault").toString());

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(Files.isExecutable(ProjectFiles.file("bin/segvault"))).as("bin/segvault is executable").isTrue();
        assertThat(ProjectFiles.read("bin/segvault")).startsWith("#!/bin/sh\n");
    }

    private Map<String, String> env(String versionLine) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("JAVA_HOME", jdk.toString());
        env.put("FAKE_VERSION", versionLine);
        return env;
    }

    /** Environment without an explicit choice: java on PATH is the one in {@code pathBin}, runtimes in {@code jvms}. */
    private Map<String, String> discovery(Path pathBin, Path jvms) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", pathBin + ":/usr/bin:/bin");
        env.put("SEGVAULT_JAVA_DIRS", jvms.toString());
        env.put("FAKE_PROBES", tmp.resolve("probes").toString());
        return env;
    }

    /** {@link #discovery} with no java on PATH. */
    private Map<String, String> noJavaOnPath(Path jvms) throws IOException {
        return discovery(Files.createDirectories(tmp.resolve("empty-bin")), jvms);
    }

    /** tmp/jvms with a stand-in runtime for each pair of name and version. */
    private Path jvms(String... namesAndVersions) throws IOException {
        Path jvms = tmp.resolve("jvms");
        for (int i = 0; i < namesAndVersions.length; i += 2) {
            fakeHome(jvms.resolve(namesAndVersions[i]), namesAndVersions[i + 1]);
        }
        return jvms;
    }

    /**
     * A stand-in runtime: a release file saying {@code version} and a java that prints "ran HOME-NAME" and its
     * arguments, and notes each -version probe in $FAKE_PROBES.
     */
    private static Path fakeHome(Path home, String version) throws IOException {
        Files.createDirectories(home);
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\nLIBC=\"gnu\"\n");
        executable(home.resolve("bin/java"), """
                #!/bin/sh
                if [ "$1" = -version ]; then
                    echo %s >>"$FAKE_PROBES"
                    printf '%%s\\n' "$FAKE_VERSION" >&2
                    exit 0
                fi
                echo ran %s
                for a in "$@"; do printf '%%s\\n' "$a"; done
                """.formatted(home.getFileName(), home.getFileName()));
        return home;
    }

    /** A directory for PATH with a symbolic link java to the runtime in {@code home}, as /usr/bin/java is. */
    private Path onPath(Path home) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("path-bin-" + home.getFileName()));
        Files.createSymbolicLink(bin.resolve("java"), home.resolve("bin/java"));
        return bin;
    }

    private ProjectFiles.Run launch(Path launcher, Map<String, String> env, String... args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "dash";
        cmd[1] = launcher.toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        // dash sets $0 to the path as given, the way the kernel does for a #! script
        return ProjectFiles.run(tmp, env, cmd);
    }

    private static Path install(Path prefix) throws IOException {
        jarAt(prefix.resolve("lib/segvault.jar"));
        return copyLauncher(prefix.resolve("bin/segvault"));
    }

    private static Path copyLauncher(Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(ProjectFiles.file("bin/segvault"), to);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        return to;
    }

    private static Path jarAt(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        return Files.writeString(p, "not really a jar");
    }

    private static void executable(Path p, String content) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String real(Path p) throws IOException {
        return p.toRealPath().toString();
    }
}
