package io.segvault.core.follow;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** Test listener that records every call with the thread and wall-clock time it came on. */
public final class RecordingListener implements RepositoryFollower.Listener {

    /** One call. */
    public record Call(Path repo, RepositoryFollower.Trigger trigger, Instant at, String thread, Object observed) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Function<Path, Object> observer;

    public RecordingListener() {
        this(repo -> null);
    }

    /** @param observer evaluated inside each call (e.g. the repository's committed transaction at that moment) */
    public RecordingListener(Function<Path, Object> observer) {
        this.observer = observer;
    }

    @Override
    public void changed(Path repo, RepositoryFollower.Trigger trigger) {
        calls.add(new Call(repo, trigger, Instant.now(), Thread.currentThread().getName(), observer.apply(repo)));
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public long count(Path repo, RepositoryFollower.Trigger trigger) {
        return calls.stream().filter(c -> c.repo().equals(repo) && c.trigger() == trigger).count();
    }

    public Callable<Long> counter(Path repo, RepositoryFollower.Trigger trigger) {
        return () -> count(repo, trigger);
    }
}
