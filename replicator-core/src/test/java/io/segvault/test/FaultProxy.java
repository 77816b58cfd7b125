package io.segvault.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting TCP proxy for HTTP/1.1 S3 traffic, loopback only: it listens on 127.0.0.1 and
 * forwards to an upstream that must itself be a loopback address. It reads each request head, names
 * the S3 operation ({@link RequestHead#operation()}), and per {@link Rule} answers some requests with a
 * fault instead of forwarding them:
 *
 * <ul>
 *   <li>{@link Fault#SLOWDOWN}: an HTTP 503 SlowDown error answer (connection closed afterwards);</li>
 *   <li>{@link Fault#RESET}: forwards the head and half the body, then resets both connections;</li>
 *   <li>{@link Fault#STALL}: stops forwarding for the configured stall time (bounded), then resets;</li>
 *   <li>{@link Fault#LATENCY}: waits the configured latency, then forwards normally;</li>
 *   <li>{@link Fault#LIE}: forwards the request on a connection of its own and, when the server refuses it with
 *       HTTP 403, answers the client {@code 204 No Content} instead, as a provider that does not enforce Object Lock
 *       would ({@link #lies()} counts them); any other answer is passed on unchanged.</li>
 * </ul>
 * Faults are bounded per rule ({@code maxFaults}) and per request target ({@code maxPerTarget}, so a
 * retried request is faulted at most that often) and drawn from a seeded random: a run is repeatable.
 * Connections, stalls and threads are bounded; {@link #close()} ends everything.
 */
public final class FaultProxy implements Closeable {

    /** What the proxy does to a matching request. */
    public enum Fault { SLOWDOWN, RESET, STALL, LATENCY, CORRUPT, LIE }

    /**
     * One fault rule.
     *
     * @param fault        what to do
     * @param operations   S3 operations it applies to (as {@link RequestHead#operation()} names them); empty: all
     * @param rate         probability per matching request, 0 to 1
     * @param maxFaults    at most this many faults from this rule
     * @param maxPerTarget at most this many faults for one request target (method + path + query)
     */
    public record Rule(Fault fault, Set<String> operations, double rate, int maxFaults, int maxPerTarget) {
        public static Rule of(Fault fault, String... operations) {
            return new Rule(fault, Set.of(operations), 1.0, Integer.MAX_VALUE, Integer.MAX_VALUE);
        }

        public Rule rate(double value) {
            return new Rule(fault, operations, value, maxFaults, maxPerTarget);
        }

        public Rule maxFaults(int value) {
            return new Rule(fault, operations, rate, value, maxPerTarget);
        }

        public Rule maxPerTarget(int value) {
            return new Rule(fault, operations, rate, maxFaults, value);
        }

        boolean matches(RequestHead head) {
            return operations.isEmpty() || operations.contains(head.operation());
        }
    }

    /** The parsed head of one request. */
    public record RequestHead(String method, String target, Map<String, String> headers) {
        /** The S3 operation this request most likely is (UploadPart, PutObject, HeadObject, ...). */
        public String operation() {
            String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : "";
            boolean hasUploadId = query.contains("uploadId=");
            return switch (method) {
                case "PUT" -> query.contains("partNumber=") ? "UploadPart"
                        : query.contains("retention") ? "PutObjectRetention" : "PutObject";
                case "POST" -> query.contains("uploads") && !hasUploadId ? "CreateMultipartUpload"
                        : hasUploadId ? "CompleteMultipartUpload" : "Post";
                case "DELETE" -> hasUploadId ? "AbortMultipartUpload" : "DeleteObject";
                case "HEAD" -> "HeadObject";
                case "GET" -> query.contains("versions") ? "ListObjectVersions"
                        : query.contains("uploads") ? "ListMultipartUploads" : "GetObject";
                default -> method;
            };
        }

        long contentLength() {
            String value = headers.get("content-length");
            return value == null ? 0 : Long.parseLong(value.trim());
        }

        boolean chunked() {
            return headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        }

        boolean expectsContinue() {
            return headers.getOrDefault("expect", "").toLowerCase(Locale.ROOT).contains("100-continue");
        }
    }

    /** One injected fault, for assertions and failure messages. */
    public record Event(Fault fault, String operation, String method, String target) {
    }

    private static final int MAX_CONNECTIONS = 256;
    private static final int MAX_HEAD = 64 * 1024;
    private static final Duration MAX_STALL = Duration.ofSeconds(60);

    private final InetSocketAddress upstream;
    private final List<Rule> rules;
    private final Duration latency;
    private final Duration stall;
    private final Random random;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final int[] faultsPerRule;
    private final Map<String, Integer> faultsPerTarget = new HashMap<>();
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger lies = new AtomicInteger();
    private volatile boolean down;

    private FaultProxy(Builder b) throws IOException {
        InetAddress upstreamAddress = InetAddress.getByName(b.upstream.getHost());
        if (!upstreamAddress.isLoopbackAddress()) {
            throw new IllegalArgumentException("FaultProxy only forwards to loopback addresses, not " + b.upstream);
        }
        if (b.stall.compareTo(MAX_STALL) > 0) {
            throw new IllegalArgumentException("stall " + b.stall + " is longer than the bound " + MAX_STALL);
        }
        this.upstream = new InetSocketAddress(upstreamAddress, b.upstream.getPort());
        this.rules = List.copyOf(b.rules);
        this.latency = b.latency;
        this.stall = b.stall;
        this.random = new Random(b.seed);
        this.faultsPerRule = new int[rules.size()];
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A builder for a proxy in front of {@code upstream} (an http URI on a loopback address). */
    public static Builder to(URI upstream) {
        return new Builder(upstream);
    }

    /** The proxy's own endpoint, {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Requests seen for {@code operation} (faulted ones included). */
    public int requests(String operation) {
        AtomicInteger n = requests.get(operation);
        return n == null ? 0 : n.get();
    }

    /** Every fault injected so far, in order. */
    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Refusals (HTTP 403) of the server that a {@link Fault#LIE} turned into {@code 204 No Content}. */
    public int lies() {
        return lies.get();
    }

    /** Faults of kind {@code fault} injected into {@code operation} requests. */
    public long faults(Fault fault, String operation) {
        return events().stream().filter(e -> e.fault() == fault && e.operation().equals(operation)).count();
    }

    /**
     * Takes the server "down" (true): every open connection is reset and every new one is reset as soon as it is
     * accepted, as when the S3 server is unreachable; false forwards again. Rules are not consulted while down.
     */
    public void down(boolean value) {
        down = value;
        if (value) {
            for (Socket s : sockets) {
                reset(s);
            }
        }
    }

    @Override
    public void close() {
        closed.countDown();
        closeQuietly(server);
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (down) {
                    reset(client);
                    continue;
                }
                if (sockets.size() >= MAX_CONNECTIONS) {
                    closeQuietly(client);
                    continue;
                }
                Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        sockets.add(client);
        try (Socket up = new Socket()) {
            sockets.add(up);
            up.connect(upstream, 5_000);
            Thread pump = new Thread(() -> pump(up, client), "fault-proxy-pump");
            pump.setDaemon(true);
            pump.start();
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream upOut = up.getOutputStream();
            for (Parsed parsed = readHead(in); parsed != null; parsed = readHead(in)) {
                if (down) {
                    reset(up);
                    reset(client);
                    return;
                }
                RequestHead head = parsed.head();
                requests.computeIfAbsent(head.operation(), k -> new AtomicInteger()).incrementAndGet();
                Fault fault = decide(head);
                if (fault == Fault.CORRUPT && !head.chunked() && head.contentLength() > 0) {
                    forwardCorrupted(parsed, in, upOut);
                    continue;
                }
                if (fault != null && fault != Fault.LATENCY && fault != Fault.CORRUPT) {
                    inject(fault, parsed, in, client, up, upOut);
                    return;
                }
                if (fault == Fault.LATENCY && closed.await(latency.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                forward(parsed, in, upOut, Long.MAX_VALUE);
            }
        } catch (IOException | InterruptedException e) {
            // connection ended; the client sees whatever the socket state says
        } finally {
            closeQuietly(client);
            sockets.removeIf(Socket::isClosed);
        }
    }

    private void inject(Fault fault, Parsed parsed, InputStream in, Socket client, Socket up, OutputStream upOut)
            throws IOException, InterruptedException {
        RequestHead head = parsed.head();
        switch (fault) {
            case SLOWDOWN -> {
                if (!head.expectsContinue()) {
                    skipBody(head, in);
                }
                writeSlowDown(client.getOutputStream());
                closeQuietly(up);
            }
            case RESET -> {
                forward(parsed, in, upOut, head.contentLength() / 2);
                reset(up);
                reset(client);
            }
            case STALL -> {
                closed.await(stall.toMillis(), TimeUnit.MILLISECONDS);
                reset(up);
                reset(client);
            }
            case LIE -> {
                lie(parsed, in, client.getOutputStream());
                closeQuietly(up);
            }
            default -> throw new IllegalStateException("not an injected fault: " + fault);
        }
    }

    /** Sends the request on a connection of its own; a 403 answer becomes {@code 204 No Content}. */
    private void lie(Parsed parsed, InputStream in, OutputStream out) throws IOException {
        try (Socket once = new Socket()) {
            once.connect(upstream, 5_000);
            forward(parsed, in, once.getOutputStream(), Long.MAX_VALUE);
            InputStream answerIn = new BufferedInputStream(once.getInputStream());
            Parsed answer = readHead(answerIn);
            if (answer == null) {
                throw new IOException("upstream closed without an answer");
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            copy(answerIn, body, answer.head().contentLength());
            boolean refused = "403".equals(answer.head().target()); // a status line parses as "HTTP/1.1 403 ..."
            synchronized (out) {
                if (refused) {
                    lies.incrementAndGet();
                    out.write(("HTTP/1.1 204 No Content\r\nx-amz-request-id: fault-proxy-lie\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                } else {
                    out.write(answer.raw());
                    body.writeTo(out);
                }
                out.flush();
            }
        }
    }

    private synchronized Fault decide(RequestHead head) {
        String target = head.method() + " " + head.target();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if (!rule.matches(head) || faultsPerRule[i] >= rule.maxFaults()
                    || faultsPerTarget.getOrDefault(target, 0) >= rule.maxPerTarget()) {
                continue;
            }
            if (random.nextDouble() < rule.rate()) {
                faultsPerRule[i]++;
                faultsPerTarget.merge(target, 1, Integer::sum);
                events.add(new Event(rule.fault(), head.operation(), head.method(), head.target()));
                return rule.fault();
            }
        }
        return null;
    }

    private static Parsed readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            buf.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            if (buf.size() > MAX_HEAD) {
                throw new IOException("request head longer than " + MAX_HEAD + " bytes");
            }
        }
        String[] lines = buf.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Parsed(new RequestHead(requestLine[0], requestLine.length > 1 ? requestLine[1] : "/",
                Map.copyOf(headers)), buf.toByteArray());
    }

    /** A parsed head with its raw bytes, so forwarding is byte-exact. */
    private record Parsed(RequestHead head, byte[] raw) {
    }

    /** Forwards the head and at most {@code bodyLimit} bytes of the body. */
    private static void forward(Parsed parsed, InputStream in, OutputStream out, long bodyLimit) throws IOException {
        RequestHead head = parsed.head();
        out.write(parsed.raw());
        if (head.chunked()) {
            copyChunked(in, out);
        } else {
            copy(in, out, Math.min(bodyLimit, head.contentLength()));
        }
        out.flush();
    }

    /** Forwards the request with one bit of its body flipped (the middle byte), as a faulty link or NIC would. */
    private static void forwardCorrupted(Parsed parsed, InputStream in, OutputStream out) throws IOException {
        long length = parsed.head().contentLength();
        long middle = length / 2;
        out.write(parsed.raw());
        copy(in, out, middle);
        int b = in.read();
        if (b < 0) {
            throw new IOException("client closed inside the body");
        }
        out.write(b ^ 0x01);
        copy(in, out, length - middle - 1);
        out.flush();
    }

    private static void skipBody(RequestHead head, InputStream in) throws IOException {
        if (head.chunked()) {
            copyChunked(in, OutputStream.nullOutputStream());
        } else {
            copy(in, OutputStream.nullOutputStream(), head.contentLength());
        }
    }

    private static void copy(InputStream in, OutputStream out, long count) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (long left = count; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("client closed with " + left + " body bytes missing");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                for (String trailer = readLine(in); !trailer.isEmpty(); trailer = readLine(in)) {
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            copy(in, out, size + 2L);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private void writeSlowDown(OutputStream out) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
                + "<Message>Please reduce your request rate. (injected by FaultProxy)</Message>"
                + "<RequestId>fault-proxy</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                + "\r\nx-amz-request-id: fault-proxy\r\nConnection: close\r\n\r\n";
        synchronized (out) {
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                synchronized (out) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(to);
        }
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Settings of a proxy; {@link #start()} binds it. */
    public static final class Builder {
        private final URI upstream;
        private final List<Rule> rules = new ArrayList<>();
        private Duration latency = Duration.ofMillis(20);
        private Duration stall = Duration.ofSeconds(5);
        private long seed = 1;

        private Builder(URI upstream) {
            this.upstream = upstream;
        }

        public Builder rule(Rule rule) {
            rules.add(rule);
            return this;
        }

        public Builder latency(Duration value) {
            latency = value;
            return this;
        }

        /** How long a STALL holds a request before resetting it (at most 60 s). */
        public Builder stall(Duration value) {
            stall = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public FaultProxy start() {
            try {
                return new FaultProxy(this);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot start the fault proxy", e);
            }
        }
    }
}
