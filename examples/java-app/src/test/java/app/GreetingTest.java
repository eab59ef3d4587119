package app;

/** Plain-Java test (run with -ea by the pack's default test step): exits non-zero when an assertion fails. */
public final class GreetingTest {
    public static void main(String[] args) {
        String a = Greeting.answer("/x", 3);
        if (!a.contains("\"service\":\"java-app\"") || !a.contains("\"path\":\"/x\"") || !a.contains("\"trustedCAs\":3")) {
            throw new AssertionError("unexpected answer " + a);
        }
        System.out.println("GreetingTest: ok");
    }
}
