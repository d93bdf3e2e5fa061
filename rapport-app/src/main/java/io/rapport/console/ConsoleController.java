package io.rapport.console;

import io.rapport.customer.CustomerProfiles;
import io.rapport.customer.CustomerTimeline;
import io.rapport.ingest.ErrorReportDownload;
import io.rapport.ingest.ImportJobs;
import io.rapport.ingest.IngestStatistics;
import io.rapport.platform.Actor;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The web console: server-rendered pages (Thymeleaf), partial updates with htmx. A page is open to the same roles as
 * the API behind it, so the console is never a way around the API's rules.
 */
@Controller
class ConsoleController {

    static final String MAY_READ_CUSTOMERS = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST')";
    static final String MAY_IMPORT = "hasAnyRole('ADMIN','MARKETER')";

    private final CustomerProfiles profiles;
    private final CustomerTimeline timeline;
    private final ImportJobs jobs;
    private final IngestStatistics statistics;

    ConsoleController(CustomerProfiles profiles, CustomerTimeline timeline, ImportJobs jobs,
                      IngestStatistics statistics) {
        this.profiles = profiles;
        this.timeline = timeline;
        this.jobs = jobs;
        this.statistics = statistics;
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/")
    String home(Model model) {
        model.addAttribute("customers", profiles.count());
        model.addAttribute("counts", statistics.counts());
        model.addAttribute("jobs", jobs.recent(5));
        return "home";
    }

    @GetMapping("/customers")
    @PreAuthorize(MAY_READ_CUSTOMERS)
    String customers(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "0") int page,
                     @RequestHeader(name = "HX-Request", required = false) String htmx,
                     @RequestHeader(name = "HX-History-Restore-Request", required = false) String historyRestore,
                     Model model) {
        model.addAttribute("q", q);
        model.addAttribute("result", profiles.search(q, page, 25));
        // htmx restores a pushed search URL that fell out of its history cache by asking for the whole page
        return htmx != null && historyRestore == null ? "customers :: results" : "customers";
    }

    /** The customer 360 page, personal data masked. */
    @GetMapping("/customers/{id}")
    @PreAuthorize(MAY_READ_CUSTOMERS)
    String customer(@PathVariable long id, Model model) {
        long current = profiles.current(id);
        if (current != id) {
            return "redirect:/customers/" + current;
        }
        return customerPage(id, false, model);
    }

    /**
     * The same page with personal data revealed (audited). A POST with the CSRF token, so that no link prefetch,
     * crawler or shared URL can reveal anything or write an audit entry nobody meant.
     */
    @PostMapping("/customers/{id}/reveal")
    @PreAuthorize(MAY_READ_CUSTOMERS)
    String reveal(@PathVariable long id, Model model) {
        return customerPage(profiles.current(id), true, model);
    }

    private String customerPage(long id, boolean reveal, Model model) {
        model.addAttribute("c", profiles.view(id, Actor.current(), reveal));
        model.addAttribute("timeline", timeline.page(id, 0, 20));
        model.addAttribute("maySeePii", Actor.current().maySeePersonalData());
        return "customer";
    }

    @GetMapping("/customers/{id}/timeline")
    @PreAuthorize(MAY_READ_CUSTOMERS)
    String timelinePage(@PathVariable long id, @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("customerId", id);
        model.addAttribute("timeline", timeline.page(profiles.current(id), Math.max(page, 0), 20));
        return "customer :: timeline-rows";
    }

    @GetMapping("/imports")
    @PreAuthorize(MAY_IMPORT)
    String imports(Model model) {
        model.addAttribute("jobs", jobs.recent(50));
        return "imports";
    }

    @PostMapping("/imports")
    @PreAuthorize(MAY_IMPORT)
    String upload(@RequestParam("file") MultipartFile file, @RequestParam String kind,
                  @RequestParam(defaultValue = "native") String preset, @RequestParam(defaultValue = "import") String source,
                  Authentication auth, RedirectAttributes redirect) throws IOException {
        if (file.isEmpty()) {
            redirect.addFlashAttribute("error", "empty-file");
            return "redirect:/imports";
        }
        ImportJobs.Job job = jobs.submit(kind, preset, source, file.getOriginalFilename(), file.getInputStream(),
                Map.of(), auth.getName());
        return "redirect:/imports/" + job.id();
    }

    @GetMapping("/imports/{id}")
    @PreAuthorize(MAY_IMPORT)
    String importJob(@PathVariable long id, @RequestHeader(name = "HX-Request", required = false) String htmx,
                     Model model) {
        model.addAttribute("job", jobs.find(id));
        model.addAttribute("errors", jobs.errors(id, 100));
        return htmx != null ? "import :: status" : "import";
    }

    @GetMapping("/imports/{id}/errors.csv")
    @PreAuthorize(MAY_IMPORT)
    void errorReport(@PathVariable long id, HttpServletResponse response) throws IOException {
        ErrorReportDownload.send(jobs, id, response);
    }
}
