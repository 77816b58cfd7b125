package io.segvault.core.borg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Tests' stand-in for pull mode's SFTP reader: the spool copies every file, reading it where {@code server} says the
 * "server" keeps it (the same path by default).
 */
public final class LocalSpoolReader implements SegmentSpool.Reader {

    private volatile UnaryOperator<Path> server = p -> p;

    /** Reads each segment from {@code where.apply(segment)} from now on. */
    public void serveFrom(UnaryOperator<Path> where) {
        this.server = where;
    }

    @Override
    public boolean copies(Path segment) {
        return true;
    }

    @Override
    public InputStream open(Path segment) throws IOException {
        return Files.newInputStream(server.apply(segment));
    }
}
