package io.segvault.core.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Plain-HTTP S3 endpoints. Over {@code http://} a man in the middle reads and changes every response, and so could
 * forge restore points and listings; such an endpoint is allowed only on this machine (127.0.0.0/8, ::1,
 * {@code localhost}) unless the operator says {@code allowInsecureHttp: true} or {@code --allow-insecure-http}.
 * Host names other than {@code localhost} are never resolved: a name is not proof of where it points.
 */
public final class PlainHttp {

    /** The config key that allows a plain-HTTP endpoint on another host. */
    public static final String CONFIG_KEY = "allowInsecureHttp";
    /** The command-line flag that does the same. */
    public static final String FLAG = "--allow-insecure-http";

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private PlainHttp() {
    }

    /** Whether {@code endpoint} is plain {@code http://} to a host that is not this machine's loopback. */
    public static boolean refused(URI endpoint) {
        return endpoint != null && "http".equalsIgnoreCase(endpoint.getScheme()) && !isLoopback(endpoint.getHost());
    }

    /** {@code localhost}, an IPv4 literal in 127.0.0.0/8, or the IPv6 literal ::1 (brackets allowed). */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (!IPV4.matcher(h).matches() && !h.contains(":")) {
            return false; // a name: never looked up
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The one-line reason, naming the endpoint and {@code remedy} (the key or flag to set); begins with the URL. */
    public static String message(URI endpoint, String remedy) {
        return endpoint + " is plain HTTP to another host: anyone on the path could read the requests and "
                + "forge the answers (restore points, listings); use https://, or " + remedy + " to accept that";
    }
}
