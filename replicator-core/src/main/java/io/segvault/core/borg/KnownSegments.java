package io.segvault.core.borg;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Known segments by number, ascending, in about 80 bytes each (number, size, SHA-256 as 32 bytes, fingerprint) instead
 * of some 290 in a {@code HashMap} of {@link KnownSegment}s: the tamper detector's catalog of a repository of 200,000
 * segments fits in some 16 MiB. A read-only {@link Map}; each {@link KnownSegment} is built when asked for.
 */
public final class KnownSegments extends AbstractMap<Long, KnownSegment> {

    private static final HexFormat HEX = HexFormat.of();
    private static final KnownSegments EMPTY = new Builder(0).build();

    private final long[] numbers;
    private final long[] sizes;
    private final byte[] sha;
    /** SHA-256 strings that are not 64 lower-case hex digits (a damaged ledger row), by index; null when none. */
    private final String[] odd;
    private final Fingerprints fingerprints;
    private final int size;

    private KnownSegments(Builder b) {
        this.numbers = b.numbers;
        this.sizes = b.sizes;
        this.sha = b.sha;
        this.odd = b.odd;
        this.fingerprints = b.fingerprints;
        this.size = b.size;
    }

    public static KnownSegments empty() {
        return EMPTY;
    }

    /** {@code segments} as a compact map (itself when it already is one). */
    public static KnownSegments of(Map<Long, KnownSegment> segments) {
        if (segments instanceof KnownSegments k) {
            return k;
        }
        return of(segments.values());
    }

    /** The segments of {@code segments} by number (the last one of a number wins); a view's own map when it is one. */
    public static KnownSegments of(Collection<KnownSegment> segments) {
        if (segments instanceof Values v) {
            return v.owner();
        }
        Builder b = new Builder(segments.size());
        segments.stream().sorted(java.util.Comparator.comparingLong(KnownSegment::number)).forEach(b::put);
        return b.build();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof Long n && indexOf(n) >= 0;
    }

    @Override
    public KnownSegment get(Object key) {
        if (!(key instanceof Long n)) {
            return null;
        }
        int i = indexOf(n);
        return i < 0 ? null : at(i);
    }

    /** Whether entry {@code i} has the fingerprint of entry {@code j} of {@code other}. */
    boolean sameFingerprint(int i, Fingerprints other, int j) {
        return fingerprints.same(i, other, j);
    }

    /** Number of entry {@code i} in ascending order. */
    public long number(int i) {
        return numbers[i];
    }

    /** Whether entry {@code i} is entry {@code j} of {@code other} (number, size, SHA-256, fingerprint), without building either. */
    public boolean sameAt(int i, KnownSegments other, int j) {
        if (numbers[i] != other.numbers[j] || sizes[i] != other.sizes[j] || !fingerprints.same(i, other.fingerprints, j)) {
            return false;
        }
        String a = odd != null ? odd[i] : null;
        String b = other.odd != null ? other.odd[j] : null;
        if (a != null || b != null) {
            return a != null && a.equals(b);
        }
        return Arrays.equals(sha, i * 32, i * 32 + 32, other.sha, j * 32, j * 32 + 32);
    }

    private int indexOf(long n) {
        return Arrays.binarySearch(numbers, 0, size, n);
    }

    /** Entry {@code i} in ascending order of number. */
    public KnownSegment at(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        String hex = odd != null && odd[i] != null ? odd[i] : HEX.formatHex(sha, i * 32, i * 32 + 32);
        return new KnownSegment(numbers[i], sizes[i], hex, fingerprints.get(i));
    }

    /** The segments in ascending order of number (a view). */
    @Override
    public List<KnownSegment> values() {
        return new Values();
    }

    @Override
    public Set<Entry<Long, KnownSegment>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<Long, KnownSegment>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < size;
                    }

                    @Override
                    public Entry<Long, KnownSegment> next() {
                        if (i >= size) {
                            throw new NoSuchElementException();
                        }
                        KnownSegment k = at(i++);
                        return new SimpleImmutableEntry<>(k.number(), k);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private final class Values extends AbstractList<KnownSegment> implements RandomAccess {
        KnownSegments owner() {
            return KnownSegments.this;
        }

        @Override
        public KnownSegment get(int i) {
            return at(i);
        }

        @Override
        public int size() {
            return size;
        }
    }

    /** Puts segments in ascending order of number; a repeated number replaces the previous entry. */
    public static final class Builder {
        private long[] numbers;
        private long[] sizes;
        private byte[] sha;
        private String[] odd;
        private final Fingerprints fingerprints;
        private int size;

        public Builder(int capacity) {
            int c = Math.max(capacity, 16);
            numbers = new long[c];
            sizes = new long[c];
            sha = new byte[c * 32];
            fingerprints = new Fingerprints(c);
        }

        public Builder put(KnownSegment k) {
            if (size > 0 && k.number() < numbers[size - 1]) {
                throw new IllegalArgumentException("segment " + k.number() + " after " + numbers[size - 1] + ": not ascending");
            }
            int i = size > 0 && k.number() == numbers[size - 1] ? size - 1 : size;
            if (i == numbers.length) {
                int c = i + (i >> 1) + 16;
                numbers = Arrays.copyOf(numbers, c);
                sizes = Arrays.copyOf(sizes, c);
                sha = Arrays.copyOf(sha, c * 32);
                fingerprints.grow(c);
                if (odd != null) {
                    odd = Arrays.copyOf(odd, c);
                }
            }
            numbers[i] = k.number();
            sizes[i] = k.size();
            String hex = k.sha256();
            if (parseInto(hex, sha, i * 32)) {
                if (odd != null) {
                    odd[i] = null;
                }
            } else {
                if (odd == null) {
                    odd = new String[numbers.length];
                }
                odd[i] = hex;
            }
            fingerprints.set(i, k.fingerprint());
            size = Math.max(size, i + 1);
            return this;
        }

        /** Writes 64 lower-case hex digits as 32 bytes at {@code at}; false (nothing written) for anything else. */
        private static boolean parseInto(String hex, byte[] out, int at) {
            if (hex == null || hex.length() != 64) {
                return false;
            }
            for (int k = 0; k < 64; k++) {
                if (digit(hex.charAt(k)) < 0) {
                    return false;
                }
            }
            for (int k = 0; k < 32; k++) {
                out[at + k] = (byte) (digit(hex.charAt(2 * k)) << 4 | digit(hex.charAt(2 * k + 1)));
            }
            return true;
        }

        private static int digit(char c) {
            return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        }

        public KnownSegments build() {
            return new KnownSegments(this);
        }
    }
}
