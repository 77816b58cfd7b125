package io.segvault.core.store.s3;

import io.segvault.core.util.Threads;
import java.time.Clock;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Tests build stores the way the wiring does: with a parts pool of their own, shut down when the store closes. */
public final class S3Stores {

    private S3Stores() {
    }

    public static S3ObjectStore create(S3StoreConfig config) {
        return create(config, Clock.systemUTC());
    }

    public static S3ObjectStore create(S3StoreConfig config, Clock clock) {
        return create(config, clock, List.of());
    }

    static S3ObjectStore create(S3StoreConfig config, Clock clock, List<ExecutionInterceptor> interceptors) {
        return S3ObjectStore.create(config, clock, interceptors, Threads.POOLS.cached("segvault-s3-part"));
    }
}
