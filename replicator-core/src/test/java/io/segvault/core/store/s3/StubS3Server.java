package io.segvault.core.store.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A minimal in-process S3 endpoint on loopback for unit tests: it keeps object heads (not bytes), answers
 * PutObject, the multipart calls, HeadObject and PutObjectRetention the way S3 does, and lets a test
 * replace any answer with a canned error ({@link #override}).
 */
final class StubS3Server implements AutoCloseable {

    /** A canned answer. */
    record Answer(int status, String code) {
    }

    private record Head(long size, String sha256, String mode, String until, String versionId) {
    }

    private final HttpServer server;
    private final Map<String, Head> objects = new ConcurrentHashMap<>();
    private final Map<String, Long> uploadSizes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> uploadHeads = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Function<HttpExchange, Optional<Answer>> override = e -> Optional.empty();

    StubS3Server() {
        // the store takes credentials from the default chain; system properties come first in it
        System.setProperty("aws.accessKeyId", "stub-key");
        System.setProperty("aws.secretAccessKey", "stub-secret");
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers requests for which {@code rule} returns an answer with that error instead. */
    void override(Function<HttpExchange, Optional<Answer>> rule) {
        override = rule;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            long received = drain(ex.getRequestBody());
            Optional<Answer> canned = override.apply(ex);
            if (canned.isPresent()) {
                error(ex, canned.get());
                return;
            }
            String key = ex.getRequestURI().getPath().replaceFirst("^/[^/]+/", "");
            String query = Optional.ofNullable(ex.getRequestURI().getQuery()).orElse("");
            switch (ex.getRequestMethod()) {
                case "HEAD" -> head(ex, key);
                case "PUT" -> put(ex, key, query, received);
                case "POST" -> post(ex, key, query);
                case "GET" -> bucketConfig(ex, query);
                default -> error(ex, new Answer(501, "NotImplemented"));
            }
        }
    }

    private void head(HttpExchange ex, String key) throws IOException {
        Head h = objects.get(key);
        if (h == null) {
            ex.sendResponseHeaders(404, -1);
            return;
        }
        var headers = ex.getResponseHeaders();
        headers.add("Content-Length", Long.toString(h.size()));
        headers.add("x-amz-version-id", h.versionId());
        headers.add("x-amz-meta-sha256", h.sha256());
        if (h.mode() != null) {
            headers.add("x-amz-object-lock-mode", h.mode());
            headers.add("x-amz-object-lock-retain-until-date", h.until());
        }
        ex.sendResponseHeaders(200, -1);
    }

    private void put(HttpExchange ex, String key, String query, long received) throws IOException {
        var req = ex.getRequestHeaders();
        if (query.contains("partNumber=")) {
            String uploadId = param(query, "uploadId");
            uploadSizes.merge(uploadId, decodedLength(ex, received), Long::sum);
            ex.getResponseHeaders().add("ETag", "\"part-etag\"");
            ex.sendResponseHeaders(200, -1);
            return;
        }
        if (query.contains("retention")) {
            Head h = objects.get(key);
            objects.put(key, new Head(h.size(), h.sha256(), "COMPLIANCE", h.until(), h.versionId()));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        String version = "v" + ids.incrementAndGet();
        objects.put(key, new Head(decodedLength(ex, received), req.getFirst("x-amz-meta-sha256"),
                req.getFirst("x-amz-object-lock-mode"), req.getFirst("x-amz-object-lock-retain-until-date"), version));
        ex.getResponseHeaders().add("x-amz-version-id", version);
        ex.getResponseHeaders().add("ETag", "\"etag\"");
        ex.sendResponseHeaders(200, -1);
    }

    private void post(HttpExchange ex, String key, String query) throws IOException {
        if (!query.contains("uploadId=")) {
            String uploadId = "upload-" + ids.incrementAndGet();
            Map<String, String> head = new ConcurrentHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> head.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            uploadHeads.put(uploadId, head);
            xml(ex, "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>" + key + "</Key><UploadId>" + uploadId
                    + "</UploadId></InitiateMultipartUploadResult>", Map.of());
            return;
        }
        String uploadId = param(query, "uploadId");
        Map<String, String> head = uploadHeads.remove(uploadId);
        String version = "v" + ids.incrementAndGet();
        // like Ceph 16: the lock headers of CreateMultipartUpload are not applied
        objects.put(key, new Head(uploadSizes.getOrDefault(uploadId, 0L), head.get("x-amz-meta-sha256"), null,
                head.get("x-amz-object-lock-retain-until-date"), version));
        xml(ex, "<CompleteMultipartUploadResult><Key>" + key + "</Key><ETag>\"x-1\"</ETag>"
                + "</CompleteMultipartUploadResult>", Map.of("x-amz-version-id", version));
    }

    private static void bucketConfig(HttpExchange ex, String query) throws IOException {
        if (query.contains("versioning")) {
            xml(ex, "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>", Map.of());
        } else if (query.contains("object-lock")) {
            xml(ex, "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>",
                    Map.of());
        } else {
            error(ex, new Answer(501, "NotImplemented"));
        }
    }

    private static long decodedLength(HttpExchange ex, long received) {
        String decoded = ex.getRequestHeaders().getFirst("x-amz-decoded-content-length");
        return decoded != null ? Long.parseLong(decoded) : received;
    }

    private static String param(String query, String name) {
        for (String p : query.split("&")) {
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        throw new IllegalArgumentException("no " + name + " in " + query);
    }

    private static void xml(HttpExchange ex, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body).getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.getResponseHeaders().add("Content-Type", "application/xml");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void error(HttpExchange ex, Answer answer) throws IOException {
        byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + answer.code()
                + "</Code><Message>stub answer</Message><RequestId>stub</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/xml");
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(answer.status(), -1);
            return;
        }
        ex.sendResponseHeaders(answer.status(), bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static long drain(InputStream in) throws IOException {
        long n = 0;
        byte[] buf = new byte[64 * 1024];
        for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
            n += r;
        }
        return n;
    }
}
