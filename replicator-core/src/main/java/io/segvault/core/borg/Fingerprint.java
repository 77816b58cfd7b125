package io.segvault.core.borg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What a file looks like from the outside, without reading it: size, modification time and file key (on Linux
 * the device and inode). Borg never rewrites a sealed segment in place: when the same name gets other bytes
 * (by {@code borg check --repair}, or by hand) at least one of the three changes, so an unchanged fingerprint
 * lets a reader trust a hash it computed before.
 *
 * <p>Root can write bytes and then reset the modification time; a periodic full re-hash catches that
 * ({@link TamperDetector#inspect(String, Snapshot, boolean)}).
 *
 * @param size          bytes
 * @param modifiedNanos last modification time in nanoseconds since the epoch
 * @param fileKey       {@link BasicFileAttributes#fileKey()} as a string, e.g. {@code (dev=fd00,ino=1234)}; empty
 *                      when the file system has none
 */
public record Fingerprint(long size, long modifiedNanos, String fileKey) {

    /** Fingerprint from attributes already read. */
    public static Fingerprint of(BasicFileAttributes attributes) {
        Object key = attributes.fileKey();
        return new Fingerprint(attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                key == null ? "" : key.toString());
    }

    /**
     * Reads the fingerprint of {@code file}.
     *
     * @throws IOException as {@link Files#readAttributes(Path, Class, java.nio.file.LinkOption...)} does, e.g.
     *                     {@link java.nio.file.NoSuchFileException} when it is gone
     */
    public static Fingerprint read(Path file) throws IOException {
        return of(Files.readAttributes(file, BasicFileAttributes.class));
    }
}
