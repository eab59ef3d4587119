package app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** JUnit 5 tests, run by Maven's surefire (mvn test) in the build and in the test image. */
class GreetingTest {
    @Test
    void answersWithServicePathAndCas() {
        String a = Greeting.answer("/x", 3);
        assertTrue(a.startsWith("{\"service\":\"java-maven\",\"path\":\"/x\""), a);
        assertTrue(a.endsWith("\"trustedCAs\":3}"), a);
    }

    @Test
    void dropsQuotesFromThePath() {
        assertEquals(Greeting.answer("/a\"b", 0), Greeting.answer("/ab", 0));
    }
}
