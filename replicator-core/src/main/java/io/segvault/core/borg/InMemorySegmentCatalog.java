package io.segvault.core.borg;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** {@link SegmentCatalog} in memory: forgets everything on restart (the first inspection afterwards re-hashes). */
public final class InMemorySegmentCatalog implements SegmentCatalog {

    private record State(long transaction, Map<Long, KnownSegment> segments) {
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    @Override
    public Map<Long, KnownSegment> known(String repo) {
        State state = states.get(repo);
        return state == null ? Map.of() : state.segments();
    }

    @Override
    public OptionalLong knownTransaction(String repo) {
        State state = states.get(repo);
        return state == null ? OptionalLong.empty() : OptionalLong.of(state.transaction());
    }

    @Override
    public void remember(String repo, long transaction, Collection<KnownSegment> segments) {
        states.put(repo, new State(transaction, KnownSegments.of(segments)));
    }
}
