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
        if (!key.startsWith("(dev=") || !key.endsWith(")")) {
            return false;
        }
        int comma = key.indexOf(",ino=");
        if (comma < 0) {
            return false;
        }
        try {
            long dev = Long.parseUnsignedLong(key.substring(5, comma), 16);
            long ino = Long.parseLong(key.substring(comma + 5, key.length() - 1));
            if (!spell(dev, ino).equals(key)) {
                return false;
            }
            devs[i] = dev;
            inos[i] = ino;
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
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

    /** Whether entry {@code i} is {@code f}, without building either. */
    boolean same(int i, Fingerprint f) {
        return f != null && sizes[i] == f.size() && mtimes[i] == f.modifiedNanos() && get(i).fileKey().equals(f.fileKey());
    }

    /** Whether entry {@code i} equals entry {@code j} of {@code other}. */
    boolean same(int i, Fingerprints other, int j) {
        return sizes[i] == other.sizes[j] && mtimes[i] == other.mtimes[j] && get(i).fileKey().equals(other.get(j).fileKey());
    }

    void copy(int from, Fingerprints to, int at) {
        to.set(at, get(from));
    }
}
