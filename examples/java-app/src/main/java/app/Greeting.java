package app;

/** The JSON answer of java-app. */
public final class Greeting {
    private Greeting() {}

    public static String answer(String path, int trustedCas) {
        return "{\"service\":\"java-app\",\"path\":\"" + path.replace("\"", "") + "\",\"java\":\""
            + Runtime.version().feature() + "\",\"trustedCAs\":" + trustedCas + "}";
    }
}
