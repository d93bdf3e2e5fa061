package io.rapport.testing;

import java.nio.file.Files;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips browser tests on a machine without Debian's {@code chromium} and {@code chromium-driver}, except in CI
 * ({@code CI=true}) where a missing browser is a failure: {@link HeadlessChromium#start()} then says what to install.
 */
public class ChromiumAvailable implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (installed()) {
            return ConditionEvaluationResult.enabled("Chromium and chromedriver are installed");
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return ConditionEvaluationResult.enabled("CI=true: Chromium must be installed, so let the test fail");
        }
        return ConditionEvaluationResult.disabled(HeadlessChromium.MISSING);
    }

    static boolean installed() {
        return Files.isExecutable(HeadlessChromium.BROWSER) && Files.isExecutable(HeadlessChromium.DRIVER);
    }
}
