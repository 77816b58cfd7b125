package io.segvault.core.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The one thread factory: named daemon threads ({@code <name>-1}, {@code <name>-2}, ...). */
public final class Threads {

    private Threads() {
    }

    /** A factory of daemon threads named {@code name-<n>}. */
    public static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
