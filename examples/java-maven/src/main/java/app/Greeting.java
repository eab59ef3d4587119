package app;

/** The JSON answer of java-maven. */
public final class Greeting {
    private Greeting() {}

    public static String answer(String path, int trustedCas) {
        return "{\"service\":\"java-maven\",\"path\":\"" + path.replace("\"", "") + "\",\"java\":\""
            + Runtime.version().feature() + "\",\"trustedCAs\":" + trustedCas + "}";
    }
}
