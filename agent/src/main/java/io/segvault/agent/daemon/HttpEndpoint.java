package io.segvault.agent.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text), {@code /healthz} (liveness: 200 while the daemon runs) and
 * {@code /readyz} (readiness: 200 when every repository's last pass succeeded, 503 otherwise, with the
 * reasons). Bound to loopback by default.
 */
public final class HttpEndpoint implements AutoCloseable {

    private final HttpServer server;

    /** Readiness: null when ready, else the reason. */
    public interface Readiness extends Supplier<String> {
    }

    /** Serves on {@code threads} (the wiring's HTTP pool). */
    public HttpEndpoint(String address, PrometheusMeterRegistry registry, Readiness readiness, ExecutorService threads)
            throws IOException {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(address.substring(colon + 1));
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/healthz", ex -> send(ex, 200, "text/plain; charset=utf-8", "ok\n"));
        server.createContext("/readyz", ex -> {
            String reason = readiness.get();
            send(ex, reason == null ? 200 : 503, "text/plain; charset=utf-8", reason == null ? "ready\n" : reason + "\n");
        });
        server.setExecutor(threads);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
