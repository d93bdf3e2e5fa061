package io.rapport.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of console tests in a real headless Chromium: one browser per test class (starting one takes seconds), and a
 * fresh visitor (no cookies) before each test.
 */
@ExtendWith(ChromiumAvailable.class)
public abstract class BrowserTest extends ServerTest {

    protected static HeadlessChromium browser;

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @BeforeEach
    void newVisitor() {
        browser.forget(port);
    }
}
