package io.segvault.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.segvault.core.borg.Fingerprint;
import io.segvault.core.borg.KnownSegment;
import io.segvault.core.borg.SegmentCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

    @TempDir
    Path state;

    private static UploadedObject obj(String key) {
        return new UploadedObject("r", key, 10, "b".repeat(64), "v1", Instant.ofEpochSecond(2_000_000_000L));
    }

    @Test
    void records_survive_reopen() {
        try (Ledger l = Ledger.open(state)) {
            assertThat(l.isEmpty("r")).isTrue();
            l.recordObject(obj("r/segments/0000000001/" + "b".repeat(64)));
            l.recordPoint(new PointRecord("r", 5, "r/points/0000000005.json", "c".repeat(64), "v9", Instant.ofEpochSecond(100), 3, 99));
            l.recordPoint(new PointRecord("r", 9, "r/points/0000000009.json", "d".repeat(64), "v10", Instant.ofEpochSecond(200), 4, 120));
        }
        try (Ledger l = Ledger.open(state)) {
            assertThat(l.isEmpty("r")).isFalse();
            assertThat(l.object("r/segments/0000000001/" + "b".repeat(64))).contains(obj("r/segments/0000000001/" + "b".repeat(64)));
            assertThat(l.newestPoint("r")).get().extracting(PointRecord::transaction).isEqualTo(9L);
            assertThat(l.points("r")).extracting(PointRecord::transaction).containsExactly(9L, 5L);
            assertThat(l.point("r", 5)).get().extracting(PointRecord::versionId).isEqualTo("v9");
            assertThat(l.isEmpty("other")).isTrue();
        }
    }

    /** "Is any live object locked for less than T?": only live objects count; no date counts; whole seconds compare. */
    @Test
    void any_live_object_locked_before_a_date() {
        Instant at = Instant.ofEpochSecond(2_000_000_000L);
        try (Ledger l = Ledger.open(state)) {
            l.recordObject(obj("r/a"));
            l.recordObject(new UploadedObject("r", "r/early", 10, "b".repeat(64), "v1", at.minusSeconds(1)));
            l.recordObject(new UploadedObject("r", "r/undated", 10, "b".repeat(64), "v1", null));
            l.replaceLive("r", List.of("r/a"));
            assertThat(l.anyLiveLockedBefore("r", at)).isFalse();
            assertThat(l.anyLiveLockedBefore("r", at.plusNanos(1))).isTrue();
            assertThat(l.anyLiveLockedBefore("r", at.plusSeconds(1))).isTrue();
            l.replaceLive("r", List.of("r/a", "r/early"));
            assertThat(l.anyLiveLockedBefore("r", at)).isTrue();
            l.replaceLive("r", List.of("r/a", "r/undated"));
            assertThat(l.anyLiveLockedBefore("r", at.minusSeconds(100))).isTrue();
            assertThat(l.anyLiveLockedBefore("other", at.plusSeconds(100))).isFalse();
        }
    }

    /**
     * A new live set in key order is written as the difference (unchanged rows keep their rowid); one out of order, with
     * repeats, or with a key that is not ASCII is written in full; either way the set is exactly the new keys.
     */
    @Test
    void live_set_is_replaced_by_its_difference() throws SQLException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            keys.add(String.format("r/segments/%010d/x", i));
        }
        try (Ledger l = Ledger.open(state)) {
            keys.forEach(k -> l.recordObject(obj(k)));
            l.recordObject(obj("r/control/a"));
            l.recordObject(obj("r/\u00e9t\u00e9"));
            l.replaceLive("r", keys);
            long kept = liveRowid("r/segments/0000000007/x");
            List<String> next = new ArrayList<>(List.of("r/control/a"));
            next.addAll(keys.subList(3, 2500));
            l.replaceLive("r", next);
            assertThat(liveKeys(l)).containsExactlyElementsOf(next);
            assertThat(liveRowid("r/segments/0000000007/x")).as("an unchanged key is not written again").isEqualTo(kept);
            List<String> shuffled = new ArrayList<>(keys.subList(0, 10));
            java.util.Collections.reverse(shuffled);
            shuffled.add(shuffled.get(0));
            l.replaceLive("r", shuffled);
            assertThat(liveKeys(l)).containsExactlyElementsOf(keys.subList(0, 10));
            l.replaceLive("r", List.of("r/control/a", "r/\u00e9t\u00e9"));
            assertThat(liveKeys(l)).containsExactlyInAnyOrder("r/control/a", "r/\u00e9t\u00e9");
            l.replaceLive("r", List.of());
            assertThat(liveKeys(l)).isEmpty();
        }
    }

    private static List<String> liveKeys(Ledger l) {
        return l.liveObjects("r").stream().map(UploadedObject::key).toList();
    }

    private long liveRowid(String key) throws SQLException {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve(Ledger.FILE_NAME));
             var ps = c.prepareStatement("SELECT rowid FROM live WHERE repo = 'r' AND key = ?")) {
            ps.setString(1, key);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    @Test
    void live_set_and_retention_updates() {
        try (Ledger l = Ledger.open(state)) {
            l.recordObject(obj("r/a"));
            l.recordObject(obj("r/b"));
            l.replaceLive("r", List.of("r/a", "r/missing"));
            assertThat(l.liveObjects("r")).extracting(UploadedObject::key).containsExactly("r/a");
            l.updateRetention("r/a", Instant.ofEpochSecond(2_100_000_000L));
            assertThat(l.liveObjects("r").get(0).retainUntil()).isEqualTo(Instant.ofEpochSecond(2_100_000_000L));
            l.replaceLive("r", List.of("r/b"));
            assertThat(l.liveObjects("r")).extracting(UploadedObject::key).containsExactly("r/b");
        }
    }

    @Test
    void a_written_point_its_object_and_the_live_set_are_recorded_together_with_the_uploads_before_it() {
        PointRecord point = new PointRecord("r", 7, "r/points/0000000007-" + "e".repeat(64) + ".json", "e".repeat(64), "v7",
                Instant.ofEpochSecond(300), 1, 10);
        try (Ledger l = Ledger.open(state)) {
            l.recordUpload(obj("r/seg"));
            l.recordPointWritten(obj(point.key()), point, List.of("r/seg", point.key()));
        }
        try (Ledger l = Ledger.open(state)) {
            assertThat(l.newestPoint("r")).contains(point);
            assertThat(l.liveObjects("r")).extracting(UploadedObject::key).containsExactly(point.key(), "r/seg");
        }
    }

    @Test
    void a_point_whose_record_fails_leaves_neither_its_object_nor_a_new_live_set() {
        PointRecord broken = new PointRecord("r", 8, "r/points/8", "f".repeat(64), "v8", null, 1, 10);
        try (Ledger l = Ledger.open(state)) {
            l.recordObject(obj("r/old"));
            l.replaceLive("r", List.of("r/old"));
            assertThatThrownBy(() -> l.recordPointWritten(obj("r/points/8"), broken, List.of("r/points/8")))
                    .isInstanceOf(NullPointerException.class);
            assertThat(l.object("r/points/8")).isEmpty();
            assertThat(l.newestPoint("r")).isEmpty();
            assertThat(l.liveObjects("r")).extracting(UploadedObject::key).containsExactly("r/old");
        }
    }

    @Test
    void events_are_kept_newest_first() {
        try (Ledger l = Ledger.open(state)) {
            l.recordEvent("r", "SEGMENT_VANISHED", 7, "gone", Instant.ofEpochSecond(1));
            l.recordEvent("r", "CONTENT_CHANGED", 8, "changed", Instant.ofEpochSecond(2));
            assertThat(l.eventCount("r")).isEqualTo(2);
            assertThat(l.events("r", 10)).extracting(Ledger.EventRecord::kind).containsExactly("CONTENT_CHANGED", "SEGMENT_VANISHED");
        }
    }

    @Test
    void forget_clears_a_repository_but_not_others() {
        try (Ledger l = Ledger.open(state)) {
            l.recordObject(obj("r/a"));
            l.recordObject(new UploadedObject("s", "s/a", 1, "b".repeat(64), "v", null));
            l.forget("r");
            assertThat(l.isEmpty("r")).isTrue();
            assertThat(l.isEmpty("s")).isFalse();
        }
    }

    private static KnownSegment seg(long n, char hash, long mtime) {
        return new KnownSegment(n, 100 + n, String.valueOf(hash).repeat(64), new Fingerprint(100 + n, mtime, "(ino=" + n + ")"));
    }

    /**
     * The catalog writes only the difference: a segment added, one changed and one gone come back exactly, the unchanged
     * ones are not written again (their rows keep their rowid), and another repository's segments are left alone.
     */
    @Test
    void segment_catalog_remembers_by_difference() throws SQLException {
        try (Ledger l = Ledger.open(state)) {
            SegmentCatalog c = l.segmentCatalog();
            c.remember("r", 3, List.of(seg(3, 'c', 1), seg(1, 'a', 1), seg(2, 'b', 1)));
            c.remember("s", 9, List.of(seg(1, 'f', 1)));
            assertThat(c.known("r")).containsOnlyKeys(1L, 2L, 3L);
            long rowOf1 = rowid(1);
            c.remember("r", 5, List.of(seg(1, 'a', 1), seg(3, 'd', 2), seg(4, 'e', 1)));
            Map<Long, KnownSegment> known = c.known("r");
            assertThat(known).containsOnlyKeys(1L, 3L, 4L);
            assertThat(known.get(3L)).isEqualTo(seg(3, 'd', 2));
            assertThat(known.get(4L)).isEqualTo(seg(4, 'e', 1));
            assertThat(c.knownTransaction("r")).hasValue(5);
            assertThat(rowid(1)).as("unchanged segment 1 not rewritten").isEqualTo(rowOf1);
            assertThat(c.known("s")).containsExactly(Map.entry(1L, seg(1, 'f', 1)));
            c.remember("r", 6, List.of());
            assertThat(c.known("r")).isEmpty();
        }
    }

    /**
     * The catalog's copy in memory answers the next pass and finds what changed; what it writes is what a new process
     * reads from the database (a fingerprint-only change, a new SHA-256, a segment gone and one added), and forget drops
     * the copy with the rows.
     */
    @Test
    void segment_catalog_in_memory_agrees_with_the_database() {
        List<KnownSegment> first = List.of(seg(1, 'a', 1), seg(2, 'b', 1), seg(3, 'c', 1));
        List<KnownSegment> second = List.of(seg(1, 'a', 1), seg(2, 'b', 7), seg(3, 'e', 1), seg(5, 'f', 1));
        try (Ledger l = Ledger.open(state)) {
            SegmentCatalog c = l.segmentCatalog();
            c.remember("r", 3, first);
            assertThat(c.known("r").values()).containsExactlyElementsOf(first);
            c.remember("r", 5, second);
            assertThat(c.known("r").values()).containsExactlyElementsOf(second);
        }
        try (Ledger l = Ledger.open(state)) {
            SegmentCatalog c = l.segmentCatalog();
            assertThat(c.known("r").values()).as("read back by a new process").containsExactlyElementsOf(second);
            c.remember("r", 6, List.of(seg(1, 'a', 1)));
            l.forget("r");
            assertThat(c.known("r")).isEmpty();
            assertThat(c.knownTransaction("r")).isEmpty();
        }
        try (Ledger l = Ledger.open(state)) {
            assertThat(l.segmentCatalog().known("r")).isEmpty();
        }
    }

    private long rowid(long number) throws SQLException {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve(Ledger.FILE_NAME));
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT rowid FROM known_segments WHERE repo = 'r' AND number = " + number)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    @Test
    void corrupt_file_is_refused_naming_it() throws IOException {
        Files.write(state.resolve(Ledger.FILE_NAME), "this is not a database, just garbage bytes ".repeat(200).getBytes());
        assertThatThrownBy(() -> Ledger.open(state)).isInstanceOf(LedgerException.class)
                .hasMessageContaining(state.resolve(Ledger.FILE_NAME).toString())
                .hasMessageContaining("segvault reconcile");
    }

    @Test
    void newer_format_is_refused() throws SQLException {
        Ledger.open(state).close();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve(Ledger.FILE_NAME));
             var s = c.createStatement()) {
            s.execute("UPDATE meta SET value = '7' WHERE name = 'format'");
        }
        assertThatThrownBy(() -> Ledger.open(state)).isInstanceOf(LedgerException.class)
                .hasMessageContaining("has format 7").hasMessageContaining("newer segvault");
    }
}
