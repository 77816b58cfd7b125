package io.segvault.test;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * JUnit 5 extension: every {@link LockedBucket} parameter is a new Object Lock bucket on the
 * {@link S3TestServer}. A missing server fails the test; nothing here skips.
 */
public final class LockedBucketExtension implements ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LockedBucketExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LockedBucket.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        S3TestServer server = S3TestServer.get();
        S3Client s3 = server.newClient();
        String testName = context.getTestMethod().map(m -> m.getDeclaringClass().getSimpleName() + "-" + m.getName())
                .orElse(context.getDisplayName());
        String bucket = server.createLockedBucket(s3, testName);
        context.getStore(NS).put(bucket, (ExtensionContext.Store.CloseableResource) s3::close);
        return new LockedBucket(server, bucket, s3);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // clients are closed by the store; the buckets stay (their objects are locked by design)
    }
}
