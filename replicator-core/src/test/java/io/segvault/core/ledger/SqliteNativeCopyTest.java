package io.segvault.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteNativeCopyTest {

    @TempDir
    Path tmp;

    @Test
    void theLoadedLibraryIsFoundInTheMappings() {
        List<String> maps = List.of(
                "7f00-7f10 r--p 00000000 08:01 12 /usr/lib/x86_64-linux-gnu/libc.so.6",
                "7f20-7f30 r-xp 00001000 08:01 99 /tmp/sqlite-3.50.3.0-0a1b-libsqlitejdbc.so",
                "7f40-7f50 rw-p 00000000 00:00 0 [heap]");
        assertThat(SqliteNativeCopy.loadedLibrary(maps)).contains(Path.of("/tmp/sqlite-3.50.3.0-0a1b-libsqlitejdbc.so"));
        assertThat(SqliteNativeCopy.loadedLibrary(List.of("7f20-7f30 r-xp 0 08:01 99 /tmp/x-libsqlitejdbc.so (deleted)")))
                .as("a deleted file cannot be copied").isEmpty();
    }

    @Test
    void onlyWhatBelongsToUsAloneIsTrusted() throws IOException {
        Path own = Files.createDirectory(tmp.resolve("own"));
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), own);

        assertThat(SqliteNativeCopy.untrusted(own)).isEmpty();
        assertThat(SqliteNativeCopy.untrusted(shared)).hasValueSatisfying(why -> assertThat(why).contains("770"));
        assertThat(SqliteNativeCopy.untrusted(link)).hasValueSatisfying(why -> assertThat(why).contains("symbolic link"));
        assertThat(SqliteNativeCopy.untrusted(tmp.resolve("missing"))).hasValueSatisfying(why ->
                assertThat(why).contains("cannot be examined"));
    }

    @Test
    void theLibraryThisProcessLoadedIsKeptAndThenUsed() throws Exception {
        DriverManager.getConnection("jdbc:sqlite::memory:").close(); // loads the library, as sqlite-jdbc does
        Path state = Files.createDirectory(tmp.resolve("state"));
        Files.createFile(state.resolve(Ledger.FILE_NAME));
        SqliteNativeCopy copy = new SqliteNativeCopy(state.resolve("native"), "9.9.9", "amd64");

        copy.keep();

        Path loaded = SqliteNativeCopy.loadedLibrary(Files.readAllLines(Path.of("/proc/self/maps"))).orElseThrow();
        assertThat(copy.file()).hasFileName("libsqlitejdbc-9.9.9-amd64.so").hasSameBinaryContentAs(loaded);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.file()))).isEqualTo("r-x------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.file().getParent())))
                .isEqualTo("rwx------");
        try (var files = Files.list(copy.file().getParent())) {
            assertThat(files.toList()).as("no temporary file left").containsExactly(copy.file());
        }
        String before = System.getProperty(SqliteNativeCopy.PATH_PROPERTY);
        try {
            System.clearProperty(SqliteNativeCopy.PATH_PROPERTY);
            assertThat(copy.use()).isTrue();
            assertThat(System.getProperty(SqliteNativeCopy.PATH_PROPERTY)).isEqualTo(copy.file().getParent().toString());
            assertThat(System.getProperty(SqliteNativeCopy.NAME_PROPERTY)).isEqualTo("libsqlitejdbc-9.9.9-amd64.so");

            System.clearProperty(SqliteNativeCopy.PATH_PROPERTY);
            Files.setPosixFilePermissions(copy.file().getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
            assertThat(copy.use()).as("a directory anyone can write").isFalse();
            assertThat(System.getProperty(SqliteNativeCopy.PATH_PROPERTY)).isNull();
        } finally {
            System.clearProperty(SqliteNativeCopy.NAME_PROPERTY);
            if (before != null) {
                System.setProperty(SqliteNativeCopy.PATH_PROPERTY, before);
            }
        }
    }

    @Test
    void aStateDirectoryWithoutALedgerGetsNoCopy() throws Exception {
        DriverManager.getConnection("jdbc:sqlite::memory:").close();
        Path fresh = Files.createDirectory(tmp.resolve("fresh-state"));
        new SqliteNativeCopy(fresh.resolve("native"), "9.9.9", "amd64").keep();
        new SqliteNativeCopy(tmp.resolve("no-state").resolve("native"), "9.9.9", "amd64").keep();
        try (var files = Files.list(fresh)) {
            assertThat(files.toList()).as("a command that fails on a fresh state leaves nothing behind").isEmpty();
        }
        assertThat(tmp.resolve("no-state")).doesNotExist();
    }

    /**
     * Two fresh JVMs on one state directory: the first unpacks the library into its temporary directory as sqlite-jdbc
     * does and keeps a copy; the second maps the copy and unpacks nothing.
     */
    @Test
    void aSecondProcessLoadsTheCopyAndUnpacksNothing() throws Exception {
        Path state = Files.createDirectory(tmp.resolve("state"));
        Files.createFile(state.resolve(Ledger.FILE_NAME)); // kept only where a ledger already is
        Path tmp1 = Files.createDirectory(tmp.resolve("tmp1"));
        Path tmp2 = Files.createDirectory(tmp.resolve("tmp2"));

        List<String> first = child(state, tmp1);
        List<String> second = child(state, tmp2);

        Path kept = SqliteNativeCopy.inStateDir(state).file();
        assertThat(first).contains("cached=false").anySatisfy(l -> assertThat(l).startsWith("mapped=" + tmp1));
        assertThat(kept).isRegularFile();
        assertThat(second).contains("cached=true", "mapped=" + kept);
        try (var left = Files.list(tmp2)) {
            assertThat(left.filter(p -> p.getFileName().toString().contains("sqlite")).toList())
                    .as("nothing unpacked by the second process").isEmpty();
        }
    }

    private List<String> child(Path state, Path tmpDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + tmpDir, "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), state.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    /** A fresh JVM: loads the driver as the agent does, then says from where. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            boolean cached = SqliteNativeCopy.load(Path.of(args[0]));
            DriverManager.getConnection("jdbc:sqlite::memory:").close();
            System.out.println("cached=" + cached);
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                if (line.contains("libsqlitejdbc") && line.contains("/")) {
                    System.out.println("mapped=" + line.substring(line.indexOf('/')));
                    break;
                }
            }
        }

        private Child() {
        }
    }
}
