package io.segvault.core.borg;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sequential read-only access to a file through one fixed buffer, so memory stays bounded whatever the file size.
 */
final class ChunkedReader implements Closeable {

    /** Receives the bytes of a streamed range, one buffer slice at a time. */
    interface Sink {
        void accept(byte[] bytes, int offset, int length);
    }

    static final int BUFFER_SIZE = 1 << 20;

    private final FileChannel channel;
    private final ByteBuffer buffer;
    private long position;

    ChunkedReader(Path file) throws IOException {
        this(file, BUFFER_SIZE);
    }

    ChunkedReader(Path file, int bufferSize) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.buffer = ByteBuffer.allocate(bufferSize);
        this.buffer.flip();
    }

    /** Size of the file now. */
    long size() throws IOException {
        return channel.size();
    }

    /** File offset of the next byte to be read. */
    long position() {
        return position;
    }

    /** Reads up to {@code length} bytes into {@code target}; returns how many were read (fewer only at the end). */
    int read(byte[] target, int length) throws IOException {
        int done = 0;
        while (done < length && fill()) {
            int n = Math.min(length - done, buffer.remaining());
            buffer.get(target, done, n);
            done += n;
        }
        position += done;
        return done;
    }

    /** Passes the next {@code length} bytes to {@code sink}; returns how many there were (fewer only at the end). */
    long stream(long length, Sink sink) throws IOException {
        long done = 0;
        while (done < length && fill()) {
            int n = (int) Math.min(length - done, buffer.remaining());
            sink.accept(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
            buffer.position(buffer.position() + n);
            done += n;
        }
        position += done;
        return done;
    }

    private boolean fill() throws IOException {
        if (buffer.hasRemaining()) {
            return true;
        }
        buffer.clear();
        int n;
        do {
            n = channel.read(buffer);
        } while (n == 0);
        buffer.flip();
        return n > 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
