package io.rapport.segment;

import io.rapport.customer.CustomerProfiles;
import io.rapport.platform.Actor;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Tags over HTTP: the catalogue, a customer's tags with history, manual tagging, computing tags now. */
@RestController
class TagController {

    static final String MAY_READ = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST')";
    static final String MAY_TAG = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT')";

    private final Tags tags;
    private final TagComputation computation;
    private final CustomerProfiles profiles;

    TagController(Tags tags, TagComputation computation, CustomerProfiles profiles) {
        this.tags = tags;
        this.computation = computation;
        this.profiles = profiles;
    }

    /** A manual tag on a customer: an optional value (up to 100 characters) and why. */
    record TagRequest(String value, String reason) {}

    @GetMapping("/api/v1/tags")
    @PreAuthorize(MAY_READ)
    List<Tags.Tag> catalogue() {
        return tags.catalogue();
    }

    @PostMapping("/api/v1/tags")
    @PreAuthorize(SegmentController.MAY_EDIT)
    ResponseEntity<Tags.Tag> create(@RequestBody Tags.NewTag tag) {
        return ResponseEntity.status(HttpStatus.CREATED).body(tags.create(tag, Actor.current()));
    }

    @GetMapping("/api/v1/customers/{id}/tags")
    @PreAuthorize(MAY_READ)
    Tags.CustomerTags customerTags(@PathVariable long id) {
        return tags.of(profiles.current(id));
    }

    @PutMapping("/api/v1/customers/{id}/tags/{code}")
    @PreAuthorize(MAY_TAG)
    Tags.CustomerTags set(@PathVariable long id, @PathVariable String code,
                          @RequestBody(required = false) TagRequest request) {
        return tags.set(profiles.current(id), code, request == null ? null : request.value(),
                request == null ? null : request.reason(), Actor.current());
    }

    @DeleteMapping("/api/v1/customers/{id}/tags/{code}")
    @PreAuthorize(MAY_TAG)
    Tags.CustomerTags remove(@PathVariable long id, @PathVariable String code,
                             @RequestParam(required = false) String reason) {
        return tags.remove(profiles.current(id), code, reason, Actor.current());
    }

    @PostMapping("/api/v1/tags/compute")
    @PreAuthorize("hasRole('ADMIN')")
    Map<String, Integer> compute() {
        return Map.of("changes", computation.computeAll());
    }
}
