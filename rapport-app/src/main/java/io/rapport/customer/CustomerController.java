package io.rapport.customer;

import io.rapport.platform.Actor;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Customer 360 and search over HTTP. Personal data is masked unless {@code reveal=true} and the caller may see it. */
@RestController
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST')")
class CustomerController {

    private final CustomerProfiles profiles;
    private final CustomerTimeline timeline;

    CustomerController(CustomerProfiles profiles, CustomerTimeline timeline) {
        this.profiles = profiles;
        this.timeline = timeline;
    }

    @GetMapping("/api/v1/customers")
    CustomerProfiles.HitPage search(@RequestParam(defaultValue = "") String q,
                                    @RequestParam(defaultValue = "0") int page,
                                    @RequestParam(defaultValue = "50") int size) {
        return profiles.search(q, page, size);
    }

    @GetMapping("/api/v1/customers/{id}")
    CustomerProfiles.Customer360 customer(@PathVariable long id, @RequestParam(defaultValue = "false") boolean reveal) {
        return profiles.view(id, Actor.current(), reveal);
    }

    @GetMapping("/api/v1/customers/{id}/timeline")
    CustomerTimeline.Page timeline(@PathVariable long id, @RequestParam(defaultValue = "0") int page,
                                   @RequestParam(defaultValue = "50") int size) {
        return timeline.page(profiles.current(id), Math.max(page, 0), Math.min(Math.max(size, 1), 200));
    }
}
