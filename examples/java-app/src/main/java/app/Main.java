package app;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * java-app: prints the answer for "/"; --port N serves HTTP; --self-check serves on loopback and asks itself;
 * --fetch URL prints the status and body of a GET (HTTPS verified with the JRE's default trust store).
 */
public final class Main {
    /** How many CAs the JRE's default trust store (cacerts) holds. */
    static int trustedCas() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        return ((X509TrustManager) tmf.getTrustManagers()[0]).getAcceptedIssuers().length;
    }

    static HttpServer server(int port, String host) throws Exception {
        int cas = trustedCas();
        HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 0);
        s.createContext("/", ex -> {
            byte[] body = (Greeting.answer(ex.getRequestURI().getPath(), cas) + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) { o.write(body); }
        });
        s.start();
        return s;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[0].equals("--port")) {
            server(Integer.parseInt(args[1]), "0.0.0.0");
            System.out.println("java-app listening on " + args[1]);
        } else if (args.length > 0 && args[0].equals("--self-check")) {
            HttpServer s = server(0, "127.0.0.1");
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
            System.out.print(r.statusCode() + " " + r.body());
            s.stop(0);
        } else if (args.length > 1 && args[0].equals("--fetch")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(args[1])).build(), HttpResponse.BodyHandlers.ofString());
            System.out.print(r.statusCode() + " " + r.body());
        } else {
            System.out.println(Greeting.answer("/", trustedCas()));
        }
    }
}
