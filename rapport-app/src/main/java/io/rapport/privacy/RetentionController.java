package io.rapport.privacy;

import io.rapport.platform.Actor;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Retention over HTTP: the dry-run report, and a run on demand. */
@RestController
class RetentionController {

    private final RetentionJob job;

    RetentionController(RetentionJob job) {
        this.job = job;
    }

    /** What the next run would delete or anonymise, per data kind; changes nothing. */
    @GetMapping("/api/v1/privacy/retention")
    @PreAuthorize("hasAnyRole('ADMIN','AUDITOR')")
    RetentionJob.Report dryRun() {
        return job.dryRun();
    }

    @PostMapping("/api/v1/privacy/retention/run")
    @PreAuthorize("hasRole('ADMIN')")
    RetentionJob.Report run() {
        return job.run(false, Actor.current());
    }
}
