package io.rapport.console;

import io.rapport.customer.CustomerProfiles;
import io.rapport.platform.Actor;
import io.rapport.scoring.CustomerScores;
import io.rapport.scoring.ScoringDashboard;
import io.rapport.scoring.ScoringProperties;
import io.rapport.scoring.ScoringRuns;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The scores dashboard (charts drawn in the browser by ECharts from {@code /dashboard/data}), the scoring-run button
 * with its progress, and the Scores card of the customer 360 page. Open to the same roles as the scoring API.
 */
@Controller
class DashboardController {

    static final String MAY_READ = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST')";
    static final String MAY_RUN = "hasAnyRole('ADMIN','ANALYST')";

    /** Message keys the charts need, sent with the data in the viewer's language. */
    static final List<String> CHART_LABELS = List.of("dashboard.recency", "dashboard.frequency",
            "dashboard.customers", "dashboard.customerShare", "dashboard.revenueShare", "dashboard.monthsAfter",
            "dashboard.retention", "dashboard.clv", "dashboard.churnRisk", "dashboard.noData",
            "stage.POTENTIAL", "stage.NEW", "stage.ACTIVE", "stage.DORMANT", "stage.CHURNED",
            "tier.BLACK", "tier.GOLD", "tier.SILVER", "scoring.churn.predicted", "scoring.churn.observed");

    private final ScoringRuns runs;
    private final ScoringDashboard dashboard;
    private final CustomerScores scores;
    private final CustomerProfiles profiles;
    private final ScoringProperties settings;
    private final MessageSource messages;

    DashboardController(ScoringRuns runs, ScoringDashboard dashboard, CustomerScores scores,
                        CustomerProfiles profiles, ScoringProperties settings, MessageSource messages) {
        this.runs = runs;
        this.dashboard = dashboard;
        this.scores = scores;
        this.profiles = profiles;
        this.settings = settings;
        this.messages = messages;
    }

    @GetMapping("/dashboard")
    @PreAuthorize(MAY_READ)
    String page(Model model) {
        model.addAttribute("d", dashboard.dashboard(settings.repurchaseWindowDays()));
        model.addAttribute("latest", runs.recent(1).stream().findFirst().orElse(null));
        return "dashboard";
    }

    /** The figures of every chart plus their labels in the viewer's language. */
    @GetMapping("/dashboard/data")
    @PreAuthorize(MAY_READ)
    @ResponseBody
    Map<String, Object> data(Locale locale) {
        Map<String, String> labels = new LinkedHashMap<>();
        CHART_LABELS.forEach(key -> labels.put(key, messages.getMessage(key, null, key, locale)));
        return Map.of("dashboard", dashboard.dashboard(settings.repurchaseWindowDays()), "labels", labels);
    }

    @PostMapping("/dashboard/runs")
    @PreAuthorize(MAY_RUN)
    String start(@RequestHeader(name = "HX-Request", required = false) String htmx, Model model) {
        ScoringRuns.Run run = runs.start("manual", Actor.current().name(), Optional.empty());
        if (htmx == null) {
            return "redirect:/dashboard";
        }
        model.addAttribute("latest", run);
        return "dashboard :: run-status";
    }

    @GetMapping("/dashboard/runs/{id}")
    @PreAuthorize(MAY_READ)
    String runStatus(@PathVariable long id, HttpServletResponse response, Model model) {
        ScoringRuns.Run run = runs.find(id);
        if ("done".equals(run.status())) {
            // dashboard.js redraws the charts on this event
            response.setHeader("HX-Trigger", "scoring-done");
        }
        model.addAttribute("latest", run);
        return "dashboard :: run-status";
    }

    /** The Scores card of the customer 360 page, loaded into it by htmx. */
    @GetMapping("/customers/{id}/scores-card")
    @PreAuthorize(MAY_READ)
    String scoresCard(@PathVariable long id, Model model) {
        var current = scores.current(profiles.current(id));
        model.addAttribute("s", current.orElse(null));
        model.addAttribute("churnSource", current.map(s -> runs.find(s.runId()).churnSource()).orElse(null));
        return "customer-scores :: card";
    }
}
