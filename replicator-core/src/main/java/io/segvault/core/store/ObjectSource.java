package io.segvault.core.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Bytes to upload, read by position so parts can be read in parallel from one open file.
 * A file source opens the file once per upload; if the file is deleted while the upload runs the
 * open handle keeps reading the original bytes (POSIX semantics), which is what a snapshot wants.
 */
public interface ObjectSource {

    /** Total number of bytes. */
    long size();

    /** Opens the bytes for positional reads. The caller closes the reader. */
    Reader open() throws IOException;

    /** Human-readable origin, for error messages (a path, or "memory"). */
    String describe();

    /** Positional reader; thread-safe for concurrent reads at different positions. */
    interface Reader extends Closeable {
        /** Reads up to {@code dst.remaining()} bytes at {@code position}; returns the count, -1 at the end. */
        int read(ByteBuffer dst, long position) throws IOException;

        /** Fills {@code dst} completely from {@code position} or throws {@link java.io.EOFException}. */
        default void readFully(ByteBuffer dst, long position) throws IOException {
            long pos = position;
            while (dst.hasRemaining()) {
                int n = read(dst, pos);
                if (n < 0) {
                    throw new java.io.EOFException("source ended at byte " + pos);
                }
                pos += n;
            }
        }
    }

    /** A file whose size is {@code size} bytes (the size the caller hashed; a different file size fails the upload). */
    static ObjectSource ofFile(Path file, long size) {
        Objects.requireNonNull(file, "file");
        return new ObjectSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public Reader open() throws IOException {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                if (ch.size() != size) {
                    long actual = ch.size();
                    ch.close();
                    throw new IOException(file + " is " + actual + " bytes, expected " + size + " (changed since it was hashed)");
                }
                return new Reader() {
                    @Override
                    public int read(ByteBuffer dst, long position) throws IOException {
                        return ch.read(dst, position);
                    }

                    @Override
                    public void close() throws IOException {
                        ch.close();
                    }
                };
            }

            @Override
            public String describe() {
                return file.toString();
            }
        };
    }

    /** Bytes in memory (small objects: manifests, control files). */
    static ObjectSource ofBytes(byte[] bytes) {
        byte[] data = bytes.clone();
        return new ObjectSource() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public Reader open() {
                return new Reader() {
                    @Override
                    public int read(ByteBuffer dst, long position) {
                        if (position >= data.length) {
                            return -1;
                        }
                        int n = (int) Math.min(dst.remaining(), data.length - position);
                        dst.put(data, (int) position, n);
                        return n;
                    }

                    @Override
                    public void close() {
                        // nothing to release
                    }
                };
            }

            @Override
            public String describe() {
                return "memory (" + data.length + " bytes)";
            }
        };
    }
}
