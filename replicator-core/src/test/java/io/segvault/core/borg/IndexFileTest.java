package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexFileTest {

    @TempDir
    Path tmp;

    @Test
    void lists_the_segments_the_index_points_into() {
        Path index = tmp.resolve("index.9");
        FakeRepo.write(index, FakeRepo.index(List.of(3L, 7L, 7L, 4_000_000_000L)));
        assertThat(IndexFile.referencedSegments(index)).containsExactlyInAnyOrder(3L, 7L, 4_000_000_000L);
    }

    @Test
    void empty_index_points_nowhere() {
        Path index = tmp.resolve("index.1");
        FakeRepo.write(index, FakeRepo.index(List.of()));
        assertThat(IndexFile.referencedSegments(index)).isEmpty();
    }

    @Test
    void malformed_indexes_are_refused_with_the_reason() {
        byte[] good = FakeRepo.index(List.of(1L));
        Path index = tmp.resolve("index.2");
        FakeRepo.write(index, Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> IndexFile.referencedSegments(index)).isInstanceOf(BorgRepositoryException.class)
                .hasMessageContaining(index + " is not a Borg 1.x index").hasMessageContaining("1031 buckets need");
        byte[] magic = good.clone();
        magic[0] = 'X';
        FakeRepo.write(index, magic);
        assertThatThrownBy(() -> IndexFile.referencedSegments(index)).hasMessageContaining("no BORG_IDX header");
        byte[] borg2 = good.clone();
        borg2[17] = 16;
        FakeRepo.write(index, borg2);
        assertThatThrownBy(() -> IndexFile.referencedSegments(index)).hasMessageContaining("key/value size 32/16");
    }
}
