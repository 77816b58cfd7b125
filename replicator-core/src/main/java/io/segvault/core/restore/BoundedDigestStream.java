package io.segvault.core.restore;

import io.segvault.core.manifest.ManifestException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Hashes every byte read through it and refuses to read more than a limit (a point version larger than allowed). */
final class BoundedDigestStream extends FilterInputStream {

    private final MessageDigest digest;
    private final long limit;
    private final String key;
    private final String versionId;
    private long count;

    BoundedDigestStream(InputStream in, MessageDigest digest, long limit, String key, String versionId) {
        super(in);
        this.digest = digest;
        this.limit = limit;
        this.key = key;
        this.versionId = versionId;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            if (count > limit) {
                throw tooLarge();
            }
            digest.update(b, off, n);
        }
        return n;
    }

    /** Whether more than the limit was offered (the reader may have caught the exception {@link #read} threw). */
    boolean exceeded() {
        return count > limit;
    }

    ManifestException tooLarge() {
        return new ManifestException(key, "version " + versionId + " is larger than " + limit + " bytes; not read", null);
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("a hashed stream is read, not skipped");
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
