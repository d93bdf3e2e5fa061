package io.rapport.privacy;

import io.rapport.platform.Actor;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Data-subject requests over HTTP: handled by administrators and service agents, read by auditors. */
@RestController
class DataSubjectRequestController {

    static final String MAY_HANDLE = "hasAnyRole('ADMIN','SERVICE_AGENT')";
    static final String MAY_READ = "hasAnyRole('ADMIN','SERVICE_AGENT','AUDITOR')";

    private final DataSubjectRequests requests;

    DataSubjectRequestController(DataSubjectRequests requests) {
        this.requests = requests;
    }

    @PostMapping("/api/v1/privacy/requests")
    @PreAuthorize(MAY_HANDLE)
    @ResponseStatus(HttpStatus.CREATED)
    DataSubjectRequests.Request create(@RequestBody DataSubjectRequests.NewRequest request) {
        return requests.create(request, Actor.current());
    }

    @GetMapping("/api/v1/privacy/requests")
    @PreAuthorize(MAY_READ)
    List<DataSubjectRequests.Request> list(@RequestParam(required = false) Boolean open,
                                           @RequestParam(required = false) Long customerId,
                                           @RequestParam(defaultValue = "100") int limit) {
        return requests.list(open, customerId, limit);
    }

    @GetMapping("/api/v1/privacy/requests/{id}")
    @PreAuthorize(MAY_READ)
    DataSubjectRequests.Request find(@PathVariable long id) {
        return requests.find(id);
    }

    @PostMapping("/api/v1/privacy/requests/{id}/verify")
    @PreAuthorize(MAY_HANDLE)
    DataSubjectRequests.Request verify(@PathVariable long id, @RequestBody Map<String, String> body) {
        return requests.verify(id, body.get("method"), Actor.current());
    }

    @PostMapping("/api/v1/privacy/requests/{id}/complete")
    @PreAuthorize(MAY_HANDLE)
    DataSubjectRequests.Request complete(@PathVariable long id) {
        return requests.complete(id, Actor.current());
    }

    @PostMapping("/api/v1/privacy/requests/{id}/reject")
    @PreAuthorize(MAY_HANDLE)
    DataSubjectRequests.Request reject(@PathVariable long id, @RequestBody Map<String, String> body) {
        return requests.reject(id, body.get("reason"), Actor.current());
    }

    /** Extends the deadline once where the regime allows (GDPR +2 months, CCPA +45 days; PIPL: 409). */
    @PostMapping("/api/v1/privacy/requests/{id}/extend")
    @PreAuthorize(MAY_HANDLE)
    DataSubjectRequests.Request extend(@PathVariable long id, @RequestBody Map<String, String> body) {
        return requests.extend(id, body.get("reason"), Actor.current());
    }

    /** Everything held about the person, machine-readable (GDPR art. 20 portability). Needs the personal-data grant. */
    @GetMapping(path = "/api/v1/privacy/requests/{id}/export", produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(MAY_HANDLE)
    ResponseEntity<DataSubjectRequests.ExportDocument> export(@PathVariable long id) {
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"personal-data-" + id + ".json\"")
                .body(requests.export(id, Actor.current()));
    }

    /** The same as a human-readable summary. */
    @GetMapping(path = "/api/v1/privacy/requests/{id}/export.txt", produces = MediaType.TEXT_PLAIN_VALUE)
    @PreAuthorize(MAY_HANDLE)
    ResponseEntity<String> summary(@PathVariable long id) {
        return ResponseEntity.ok().contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"personal-data-" + id + ".txt\"")
                .body(requests.summary(requests.export(id, Actor.current())));
    }
}
