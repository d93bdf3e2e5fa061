package io.rapport.privacy;

import io.rapport.platform.Actor;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console pages of data-subject requests: the list with deadlines (overdue ones stand out) and one request with
 * the steps the API offers — verify, carry out, reject with a reason — and the report of what was done. The same
 * roles as the API: administrators and service agents handle requests, auditors read them.
 */
@Controller
@PreAuthorize(DataSubjectRequestController.MAY_READ)
class DataSubjectRequestConsole {

    private final DataSubjectRequests requests;

    DataSubjectRequestConsole(DataSubjectRequests requests) {
        this.requests = requests;
    }

    @GetMapping("/privacy/requests")
    String list(@RequestParam(defaultValue = "false") boolean open, @RequestParam Optional<Long> customerId,
                Model model) {
        model.addAttribute("requests", requests.list(open, customerId.orElse(null), 200));
        model.addAttribute("open", open);
        model.addAttribute("customerId", customerId.orElse(null));
        return "privacy-requests";
    }

    @GetMapping("/privacy/requests/{id}")
    String show(@PathVariable long id, Model model) {
        model.addAttribute("request", requests.find(id));
        return "privacy-request";
    }

    @PostMapping("/privacy/requests/{id}/verify")
    @PreAuthorize(DataSubjectRequestController.MAY_HANDLE)
    String verify(@PathVariable long id, @RequestParam(defaultValue = "") String method) {
        requests.verify(id, method, Actor.current());
        return "redirect:/privacy/requests/" + id;
    }

    @PostMapping("/privacy/requests/{id}/complete")
    @PreAuthorize(DataSubjectRequestController.MAY_HANDLE)
    String complete(@PathVariable long id) {
        requests.complete(id, Actor.current());
        return "redirect:/privacy/requests/" + id;
    }

    @PostMapping("/privacy/requests/{id}/reject")
    @PreAuthorize(DataSubjectRequestController.MAY_HANDLE)
    String reject(@PathVariable long id, @RequestParam(defaultValue = "") String reason) {
        requests.reject(id, reason, Actor.current());
        return "redirect:/privacy/requests/" + id;
    }

    @PostMapping("/privacy/requests/{id}/extend")
    @PreAuthorize(DataSubjectRequestController.MAY_HANDLE)
    String extend(@PathVariable long id, @RequestParam(defaultValue = "") String reason) {
        requests.extend(id, reason, Actor.current());
        return "redirect:/privacy/requests/" + id;
    }

    /** The human-readable export of an access request, as a download (audited like the API's). */
    @GetMapping("/privacy/requests/{id}/summary.txt")
    @PreAuthorize(DataSubjectRequestController.MAY_HANDLE)
    ResponseEntity<String> summary(@PathVariable long id) {
        return ResponseEntity.ok().contentType(new MediaType("text", "plain", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"personal-data-" + id + ".txt\"")
                .body(requests.summary(requests.export(id, Actor.current())));
    }
}
