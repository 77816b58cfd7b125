package io.segvault.core.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.store.BucketMisconfiguredException;
import io.segvault.core.store.ObjectConflictException;
import io.segvault.core.store.ObjectNotFoundException;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.StoreAccessDeniedException;
import io.segvault.core.store.StoreUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {

    private static S3Exception s3(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message("server said no")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("server said no").build())
                .build();
    }

    @ParameterizedTest
    @CsvSource({
        "404, NoSuchKey, ObjectNotFoundException, false",
        "405, MethodNotAllowed, ObjectNotFoundException, false",
        "409, OperationAborted, ObjectConflictException, false",
        "412, PreconditionFailed, ObjectConflictException, false",
        "403, AccessDenied, StoreAccessDeniedException, false",
        "429, TooManyRequests, StoreUnavailableException, true",
        "500, InternalError, StoreUnavailableException, true",
        "503, SlowDown, StoreUnavailableException, true",
        "400, RequestTimeout, StoreUnavailableException, true",
        "404, NoSuchBucket, BucketMisconfiguredException, false",
        "404, ObjectLockConfigurationNotFoundError, BucketMisconfiguredException, false",
        "400, BadDigest, IntegrityException, false",
        "400, XAmzContentSHA256Mismatch, IntegrityException, false",
        "501, NotImplemented, ObjectStoreException, false",
        "400, InvalidArgument, ObjectStoreException, false"
    })
    void service_errors_map_to_typed_exceptions_that_keep_key_and_cause(int status, String code, String type,
                                                                       boolean retryable) {
        S3Exception cause = s3(status, code);
        ObjectStoreException mapped = S3Errors.map("bkt", "some/key", "PutObject", cause);

        assertThat(mapped.getClass().getSimpleName()).isEqualTo(type);
        assertThat(mapped.retryable()).isEqualTo(retryable);
        assertThat(mapped.key()).isEqualTo("some/key");
        assertThat(mapped.getCause()).isSameAs(cause);
        assertThat(mapped.getMessage()).contains("s3://bkt/some/key").contains("PutObject").contains(code)
                .contains(Integer.toString(status));
    }

    @Test
    void network_failures_and_timeouts_are_retryable() {
        SdkClientException io = SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new IOException("Connection reset")).build();
        ApiCallTimeoutException timeout = ApiCallTimeoutException.create(1000);

        assertThat(S3Errors.map("b", "k", "UploadPart", io)).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("Connection reset").hasCause(io);
        assertThat(S3Errors.map("b", "k", "UploadPart", timeout)).isInstanceOf(StoreUnavailableException.class)
                .hasCause(timeout);
        SdkClientException config = SdkClientException.builder().message("Unable to load credentials").build();
        assertThat(S3Errors.map("b", null, "HeadObject", config)).isExactlyInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("bucket b").satisfies(e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void a_lock_write_refused_with_a_bare_invalid_request_is_a_bucket_without_object_lock() {
        S3Exception bare = (S3Exception) S3Exception.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidRequest").build()).build();
        assertThat(S3Errors.mapLockedWrite("plain", "k", "PutObject", bare))
                .isInstanceOf(BucketMisconfiguredException.class).hasMessageContaining("plain").hasCause(bare);
        assertThat(S3Errors.mapLockedWrite("b", "k", "PutObject", s3(400, "InvalidArgument")))
                .isExactlyInstanceOf(ObjectStoreException.class);
    }

    @Test
    void preflight_access_denied_is_an_error_not_a_disabled_lock() {
        try (StubS3Server stub = new StubS3Server();
             S3ObjectStore store = S3Stores.create(S3StoreConfig.builder("bkt").endpoint(stub.endpoint()).build(),
                     Clock.systemUTC(), List.of())) {
            stub.override(ex -> ex.getRequestURI().getQuery() != null && ex.getRequestURI().getQuery().contains("object-lock")
                    ? Optional.of(new StubS3Server.Answer(403, "AccessDenied"))
                    : Optional.of(new StubS3Server.Answer(200, "unused")).filter(a -> false));
            assertThatThrownBy(store::preflight).isInstanceOf(StoreAccessDeniedException.class)
                    .hasMessageContaining("GetObjectLockConfiguration").hasMessageContaining("bkt");

            stub.override(ex -> Optional.of(new StubS3Server.Answer(403, "AccessDenied")));
            assertThatThrownBy(() -> store.head("k")).as("403 on HEAD is never 'missing'")
                    .isInstanceOf(StoreAccessDeniedException.class);
            stub.override(ex -> Optional.of(new StubS3Server.Answer(404, "NoSuchKey")));
            assertThat(store.head("k")).isEmpty();
            assertThatThrownBy(() -> store.head("k", "v1")).isInstanceOf(ObjectNotFoundException.class);
            stub.override(ex -> Optional.of(new StubS3Server.Answer(409, "Conflict")));
            assertThatThrownBy(() -> store.extendRetention("k", "v1", java.time.Instant.now()))
                    .isInstanceOf(ObjectConflictException.class);
        }
    }
}
