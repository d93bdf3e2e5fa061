package io.rapport.scoring;

import io.rapport.platform.RapportException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** The nightly run, at {@code rapport.scoring.cron} in the brand's time zone ({@code -} turns it off, as in tests). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class NightlyScoring {

    private static final Logger log = LoggerFactory.getLogger(NightlyScoring.class);

    private final ScoringRuns runs;

    NightlyScoring(ScoringRuns runs) {
        this.runs = runs;
    }

    @Scheduled(cron = "${rapport.scoring.cron:0 0 2 * * *}", zone = "${rapport.time-zone:Asia/Shanghai}")
    void run() {
        try {
            runs.runAndWait("scheduled", "system", Optional.empty());
        } catch (RapportException alreadyRunning) {
            log.info("nightly scoring skipped: {}", alreadyRunning.getMessage());
        }
    }
}
