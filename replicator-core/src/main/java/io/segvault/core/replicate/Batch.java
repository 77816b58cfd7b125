package io.segvault.core.replicate;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one snapshot attempt of one repository, shared by its uploads. */
final class Batch {
    final String repo;
    final AtomicInteger uploaded = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
    final AtomicInteger pendingSegments = new AtomicInteger();
    final AtomicLong pendingBytes = new AtomicLong();
    final AtomicInteger foreign = new AtomicInteger();
    private final Set<String> listed;

    /** {@code listed}: the keys a listing taken just before this attempt returned, or null. */
    Batch(String repo, Set<String> listed) {
        this.repo = repo;
        this.listed = listed;
    }

    /** Whether a listing taken just before this pass showed {@code key} absent. */
    boolean listedAbsent(String key) {
        return listed != null && !listed.contains(key);
    }
}
