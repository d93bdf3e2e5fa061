package io.rapport.scoring;

import io.rapport.customer.CustomerProfiles;
import io.rapport.platform.Actor;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Scores over HTTP: start and follow runs, a customer's scores with their explanation, the dashboard figures. */
@RestController
class ScoringController {

    static final String MAY_READ = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST')";
    static final String MAY_RUN = "hasAnyRole('ADMIN','ANALYST')";

    private final ScoringRuns runs;
    private final CustomerScores scores;
    private final ScoringDashboard dashboard;
    private final CustomerProfiles profiles;
    private final ScoringProperties settings;

    ScoringController(ScoringRuns runs, CustomerScores scores, ScoringDashboard dashboard, CustomerProfiles profiles,
                      ScoringProperties settings) {
        this.runs = runs;
        this.scores = scores;
        this.dashboard = dashboard;
        this.profiles = profiles;
        this.settings = settings;
    }

    /**
     * Starts a run (202 with the run; 200 when {@code wait=true} and it has finished). {@code asOf} scores as of
     * another day than today, e.g. to re-run a missed night; 409 while another run is going.
     */
    @PostMapping("/api/v1/scoring/runs")
    @PreAuthorize(MAY_RUN)
    ResponseEntity<ScoringRuns.Run> start(@RequestParam(defaultValue = "false") boolean wait,
                                          @RequestParam(required = false)
                                          @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate asOf) {
        String by = Actor.current().name();
        return wait ? ResponseEntity.ok(runs.runAndWait("manual", by, Optional.ofNullable(asOf)))
                : ResponseEntity.status(HttpStatus.ACCEPTED).body(runs.start("manual", by, Optional.ofNullable(asOf)));
    }

    @GetMapping("/api/v1/scoring/runs")
    @PreAuthorize(MAY_READ)
    List<ScoringRuns.Run> runs(@RequestParam(defaultValue = "20") int limit) {
        return runs.recent(Math.min(Math.max(limit, 1), 200));
    }

    @GetMapping("/api/v1/scoring/runs/{id}")
    @PreAuthorize(MAY_READ)
    ScoringRuns.Run run(@PathVariable long id) {
        return runs.find(id);
    }

    @GetMapping("/api/v1/customers/{id}/scores")
    @PreAuthorize(MAY_READ)
    CustomerScores.Report customerScores(@PathVariable long id, @RequestParam(defaultValue = "50") int history) {
        return scores.report(profiles.current(id), Math.min(Math.max(history, 1), 500));
    }

    @GetMapping("/api/v1/scoring/dashboard")
    @PreAuthorize(MAY_READ)
    ScoringDashboard.Dashboard dashboard() {
        return dashboard.dashboard(settings.repurchaseWindowDays());
    }
}
