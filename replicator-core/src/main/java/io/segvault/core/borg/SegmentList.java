package io.segvault.core.borg;

import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.RandomAccess;

/**
 * The segment files of a listing, ascending by number, in 48 bytes each (number, directory, fingerprint) instead
 * of a {@link SegmentFile} with its {@link Path}: a repository of 200,000 segments lists in some 9 MiB. A
 * {@link SegmentFile} is built when asked for; its path is {@code <data>/<directory>/<number>}, or the path it was
 * listed under when that is spelled otherwise (leading zeros). Immutable once built.
 */
public final class SegmentList extends AbstractList<SegmentFile> implements RandomAccess {

    private static final SegmentList EMPTY = new Builder(null, 0).build();

    private final Path data;
    private final long[] numbers;
    private final long[] dirs;
    private final Fingerprints fingerprints;
    /** Paths not spelled {@code <data>/<dir>/<number>}, by index; null when there are none. */
    private final Path[] odd;
    private final int size;

    private SegmentList(Path data, long[] numbers, long[] dirs, Fingerprints fingerprints, Path[] odd, int size) {
        this.data = data;
        this.numbers = numbers;
        this.dirs = dirs;
        this.fingerprints = fingerprints;
        this.odd = odd;
        this.size = size;
    }

    /** {@code segments} as a compact list (itself when it already is one); sorted by number when it was not. */
    public static SegmentList of(List<SegmentFile> segments) {
        if (segments instanceof SegmentList l) {
            return l;
        }
        if (segments.isEmpty()) {
            return EMPTY;
        }
        List<SegmentFile> sorted = segments.stream().sorted(Comparator.comparingLong(SegmentFile::number)).toList();
        Builder b = new Builder(null, sorted.size());
        sorted.forEach(b::add);
        return b.build();
    }

    /** Joins lists whose numbers do not overlap, in ascending order of their first numbers (their arrays copied). */
    static SegmentList concat(List<SegmentList> parts, Path data) {
        List<SegmentList> ordered = parts.stream().filter(p -> !p.isEmpty())
                .sorted(Comparator.comparingLong(p -> p.numbers[0])).toList();
        Builder b = new Builder(data, ordered.stream().mapToInt(SegmentList::size).sum());
        for (SegmentList p : ordered) {
            for (int i = 0; i < p.size; i++) {
                if (p.data != null && p.data.equals(data) && (p.odd == null || p.odd[i] == null)) {
                    b.addDerived(p.numbers[i], p.dirs[i], p.fingerprints, i);
                } else {
                    b.add(p.get(i));
                }
            }
        }
        return b.build();
    }

    @Override
    public SegmentFile get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return new SegmentFile(numbers[i], path(i), fingerprints.size(i), fingerprints.get(i));
    }

    @Override
    public int size() {
        return size;
    }

    /** Number of entry {@code i}. */
    public long number(int i) {
        return numbers[i];
    }

    /** Index of segment {@code n}, or a negative number when it is not listed. */
    public int indexOf(long n) {
        return Arrays.binarySearch(numbers, 0, size, n);
    }

    /** Whether entry {@code i} has fingerprint {@code f}. */
    public boolean sameFingerprint(int i, Fingerprint f) {
        return fingerprints.same(i, f);
    }

    /** Whether entry {@code i} has the number and fingerprint of entry {@code j} of {@code known}, building neither. */
    public boolean sameAs(int i, KnownSegments known, int j) {
        return numbers[i] == known.number(j) && known.sameFingerprint(j, fingerprints, i);
    }

    /** Whether entry {@code i} has the fingerprint of entry {@code j} of {@code other}. */
    boolean sameFingerprint(int i, SegmentList other, int j) {
        return fingerprints.same(i, other.fingerprints, j);
    }

    /** The segments numbered at most {@code t} (a view sharing this list's arrays). */
    public SegmentList upTo(long t) {
        int at = indexOf(t);
        int end = at >= 0 ? at + 1 : -at - 1;
        return end == size ? this : new SegmentList(data, numbers, dirs, fingerprints, odd, end);
    }

    private Path path(int i) {
        if (odd != null && odd[i] != null) {
            return odd[i];
        }
        return data.resolve(Long.toString(dirs[i])).resolve(Long.toString(numbers[i]));
    }

    /** Appends segments in ascending order of number. */
    static final class Builder {
        private final Path data;
        private long[] numbers;
        private long[] dirs;
        private final Fingerprints fingerprints;
        private Path[] odd;
        private int size;

        /** {@code data}: the repository's {@code data} directory (null: every path is kept as given). */
        Builder(Path data, int capacity) {
            this.data = data;
            int c = Math.max(capacity, 16);
            numbers = new long[c];
            dirs = new long[c];
            fingerprints = new Fingerprints(c);
        }

        /**
         * Appends segment {@code number} listed as {@code <data>/<dir>/<number>} with the fingerprint of entry {@code i}
         * of {@code from}, without a path (it is derived when asked for).
         */
        Builder addDerived(long number, long dir, Fingerprints from, int i) {
            if (data == null || dir < 0 || size > 0 && number < numbers[size - 1]) {
                throw new IllegalArgumentException("segment " + number + " cannot be added as derived here");
            }
            ensure();
            numbers[size] = number;
            dirs[size] = dir;
            from.copy(i, fingerprints, size);
            if (odd != null) {
                odd[size] = null;
            }
            size++;
            return this;
        }

        /** Appends segment {@code number} listed as {@code <data>/<dir>/<number>} with fingerprint {@code f}, without a path. */
        Builder addDerived(long number, long dir, Fingerprint f) {
            if (data == null || dir < 0 || size > 0 && number <= numbers[size - 1]) {
                throw new IllegalArgumentException("segment " + number + " cannot be added as derived here");
            }
            ensure();
            numbers[size] = number;
            dirs[size] = dir;
            fingerprints.set(size, f);
            if (odd != null) {
                odd[size] = null;
            }
            size++;
            return this;
        }

        private void ensure() {
            if (size == numbers.length) {
                int c = size + (size >> 1) + 16;
                numbers = Arrays.copyOf(numbers, c);
                dirs = Arrays.copyOf(dirs, c);
                fingerprints.grow(c);
                if (odd != null) {
                    odd = Arrays.copyOf(odd, c);
                }
            }
        }

        Builder add(SegmentFile s) {
            if (size > 0 && s.number() < numbers[size - 1]) {
                throw new IllegalArgumentException("segment " + s.number() + " after " + numbers[size - 1] + ": not ascending");
            }
            ensure();
            numbers[size] = s.number();
            fingerprints.set(size, s.fingerprint());
            Path dir = s.path().getParent();
            long d = dir == null ? -1 : parse(dir.getFileName().toString());
            dirs[size] = d;
            boolean derived = data != null && d >= 0 && s.fingerprint().size() == s.size()
                    && s.path().equals(data.resolve(Long.toString(d)).resolve(Long.toString(s.number())));
            if (!derived) {
                if (odd == null) {
                    odd = new Path[numbers.length];
                }
                odd[size] = s.path();
            }
            if (s.fingerprint().size() != s.size()) {
                throw new IllegalArgumentException("segment " + s.number() + " listed with size " + s.size()
                        + " but a fingerprint of size " + s.fingerprint().size());
            }
            size++;
            return this;
        }

        private static long parse(String name) {
            try {
                return Long.parseLong(name);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        SegmentList build() {
            return new SegmentList(data, numbers, dirs, fingerprints, odd, size);
        }
    }
}
