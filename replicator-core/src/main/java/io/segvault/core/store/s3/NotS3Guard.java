package io.segvault.core.store.s3;

import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Refuses an answer no S3 server gives: an HTML page (a web server, a captive portal or a proxy error page at the
 * endpoint URL). The SDK reads such a page as an empty S3 answer, which would make preflight report "no versioning,
 * no Object Lock" and a listing report "no restore points". GetObject and HeadObject carry the stored object's own
 * content type and are not checked; 5xx answers stay the retryable server errors they are.
 */
final class NotS3Guard implements ExecutionInterceptor {

    private static final Set<String> OBJECT_CONTENT = Set.of("GetObject", "HeadObject");

    private final String endpoint;

    NotS3Guard(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        SdkHttpResponse response = context.httpResponse();
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String type = response.firstMatchingHeader("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (response.statusCode() < 500 && type.startsWith("text/html") && !OBJECT_CONTENT.contains(operation)) {
            throw SdkClientException.create(endpoint + " answered " + operation + " with HTTP " + response.statusCode()
                    + " and an HTML page, not an S3 response: is the endpoint URL that of an S3 server?");
        }
    }
}
