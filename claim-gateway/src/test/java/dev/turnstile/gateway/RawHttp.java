package dev.turnstile.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket: the request target goes on the wire exactly as given, where an HTTP client would
 * normalise or re-encode it.
 */
final class RawHttp {

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {}

    /**
     * Sends one request and reads the whole answer.
     *
     * @param requestLineTarget the request target as sent, e.g. {@code /api/%63laim}
     * @param headers extra header lines, e.g. {@code Content-Type: application/json}
     */
    static Response send(int port, String method, String requestLineTarget, String body, String... headers)
            throws IOException {
        var bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        var request = new StringBuilder()
                .append(method)
                .append(' ')
                .append(requestLineTarget)
                .append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:")
                .append(port)
                .append("\r\n")
                .append("Connection: close\r\n");
        for (var header : headers) {
            request.append(header).append("\r\n");
        }
        if (body != null) {
            request.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        request.append("\r\n");
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            var out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return parse(socket.getInputStream(), method.equals("HEAD"));
        }
    }

    private static Response parse(InputStream in, boolean head) throws IOException {
        var raw = in.readAllBytes();
        var text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("No complete HTTP answer: " + text);
        }
        var lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        var headers = new LinkedHashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(
                    lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip(),
                    (a, b) -> a + ", " + b);
        }
        var body = new ByteArrayOutputStream();
        if (!head) {
            int at = end + 4;
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                while (true) {
                    int lineEnd = text.indexOf("\r\n", at);
                    int size = Integer.parseInt(
                            text.substring(at, lineEnd).split(";")[0].strip(), 16);
                    if (size == 0) {
                        break;
                    }
                    body.write(raw, lineEnd + 2, size);
                    at = lineEnd + 2 + size + 2;
                }
            } else {
                body.write(raw, at, raw.length - at);
            }
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }
}
