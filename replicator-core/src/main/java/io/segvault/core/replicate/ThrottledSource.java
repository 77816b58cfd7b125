package io.segvault.core.replicate;

import io.segvault.core.store.ObjectSource;
import io.segvault.core.util.Throttle;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An {@link ObjectSource} whose reads pass through a shared {@link Throttle} (the bandwidth cap). */
final class ThrottledSource implements ObjectSource {

    private final ObjectSource inner;
    private final Throttle throttle;

    ThrottledSource(ObjectSource inner, Throttle throttle) {
        this.inner = inner;
        this.throttle = throttle;
    }

    static ObjectSource wrap(ObjectSource source, Throttle throttle) {
        return throttle.unlimited() ? source : new ThrottledSource(source, throttle);
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public Reader open() throws IOException {
        Reader r = inner.open();
        return new Reader() {
            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                int n = r.read(dst, position);
                throttle.acquire(n);
                return n;
            }

            @Override
            public void close() throws IOException {
                r.close();
            }
        };
    }
}
