package io.segvault.core.borg;

import java.util.Arrays;

/**
 * {@link Fingerprint}s in parallel primitive arrays, for lists that grow with the number of segments: 32 bytes each
 * instead of two objects and a string. A Linux file key {@code (dev=<hex>,ino=<decimal>)} is kept as two numbers and
 * spelled again exactly on the way out; any other file key is kept as it was. Not thread-safe while it grows.
 */
final class Fingerprints {

    private long[] sizes;
    private long[] mtimes;
    private long[] devs;
    private long[] inos;
    /** File keys that are not of the Linux form, by index; null until the first one. */
    private String[] odd;

    Fingerprints(int capacity) {
        sizes = new long[capacity];
        mtimes = new long[capacity];
        devs = new long[capacity];
        inos = new long[capacity];
    }

    int capacity() {
        return sizes.length;
    }

    void grow(int capacity) {
        sizes = Arrays.copyOf(sizes, capacity);
        mtimes = Arrays.copyOf(mtimes, capacity);
        devs = Arrays.copyOf(devs, capacity);
        inos = Arrays.copyOf(inos, capacity);
        if (odd != null) {
            odd = Arrays.copyOf(odd, capacity);
        }
    }

    void set(int i, Fingerprint f) {
        sizes[i] = f.size();
        mtimes[i] = f.modifiedNanos();
        String key = f.fileKey();
        if (!packs(i, key)) {
            if (odd == null) {
                odd = new String[sizes.length];
            }
            odd[i] = key;
        } else if (odd != null) {
            odd[i] = null;
        }
    }

    /** Stores {@code key} as device and inode when it spells back exactly; false when it does not. */
    private boolean packs(int i, String key) {
        long[] parsed = parse(key);
        if (parsed == null) {
            return false;
        }
        devs[i] = parsed[0];
        inos[i] = parsed[1];
        return true;
    }

    /**
     * Device and inode of a Linux file key spelled exactly as {@link #spell} spells them (lower-case hex without leading
     * zeros, a decimal inode without sign or leading zeros), read without building a string; null for any other spelling,
     * which is then kept as it is.
     */
    static long[] parse(String key) {
        int n = key.length();
        if (n < 14 || !key.startsWith("(dev=") || key.charAt(n - 1) != ')') {
            return null;
        }
        int comma = key.indexOf(",ino=", 5);
        if (comma < 0 || !canonical(key, 5, comma, 16) || !canonical(key, comma + 5, n - 1, 18)) {
            return null;
        }
        long dev = 0;
        for (int i = 5; i < comma; i++) {
            char c = key.charAt(i);
            if (c > 'f' || c > '9' && c < 'a') {
                return null;
            }
            dev = dev << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        long ino = 0;
        for (int i = comma + 5; i < n - 1; i++) {
            char c = key.charAt(i);
            if (c > '9') {
                return null;
            }
            ino = ino * 10 + (c - '0');
        }
        return new long[] {dev, ino};
    }

    /** Whether {@code key[from, to)} is 1 to {@code max} characters from '0' on, without a leading zero. */
    private static boolean canonical(String key, int from, int to, int max) {
        int digits = to - from;
        if (digits < 1 || digits > max || digits > 1 && key.charAt(from) == '0') {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (key.charAt(i) < '0') {
                return false;
            }
        }
        return true;
    }

    private static String spell(long dev, long ino) {
        return "(dev=" + Long.toHexString(dev) + ",ino=" + ino + ")";
    }

    long size(int i) {
        return sizes[i];
    }

    Fingerprint get(int i) {
        String key = odd != null && odd[i] != null ? odd[i] : spell(devs[i], inos[i]);
        return new Fingerprint(sizes[i], mtimes[i], key);
    }

    /** The file key of entry {@code i} when it is not kept as device and inode, else null. */
    private String odd(int i) {
        return odd == null ? null : odd[i];
    }

    /** Whether entry {@code i} is {@code f}, without building either. */
    boolean same(int i, Fingerprint f) {
        if (f == null || sizes[i] != f.size() || mtimes[i] != f.modifiedNanos()) {
            return false;
        }
        String mine = odd(i);
        if (mine != null) {
            return mine.equals(f.fileKey());
        }
        long[] parsed = parse(f.fileKey());
        return parsed != null && parsed[0] == devs[i] && parsed[1] == inos[i];
    }

    /** Whether entry {@code i} equals entry {@code j} of {@code other}. */
    boolean same(int i, Fingerprints other, int j) {
        if (sizes[i] != other.sizes[j] || mtimes[i] != other.mtimes[j]) {
            return false;
        }
        String a = odd(i);
        String b = other.odd(j);
        if (a == null && b == null) {
            return devs[i] == other.devs[j] && inos[i] == other.inos[j];
        }
        return a != null && a.equals(b); // a packed key never equals one kept as spelled (it would have packed)
    }

    void copy(int from, Fingerprints to, int at) {
        to.sizes[at] = sizes[from];
        to.mtimes[at] = mtimes[from];
        to.devs[at] = devs[from];
        to.inos[at] = inos[from];
        String key = odd(from);
        if (key != null) {
            if (to.odd == null) {
                to.odd = new String[to.sizes.length];
            }
            to.odd[at] = key;
        } else if (to.odd != null) {
            to.odd[at] = null;
        }
    }
}
