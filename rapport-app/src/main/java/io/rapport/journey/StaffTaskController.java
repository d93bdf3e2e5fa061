package io.rapport.journey;

import io.rapport.platform.Actor;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Staff tasks from journeys over HTTP: the list (open / done, mine, overdue) and completion with an outcome. */
@RestController
class StaffTaskController {

    static final String MAY_READ = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST')";
    static final String MAY_COMPLETE = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT')";

    private final StaffTasks tasks;

    StaffTaskController(StaffTasks tasks) {
        this.tasks = tasks;
    }

    @GetMapping("/api/v1/staff-tasks")
    @PreAuthorize(MAY_READ)
    List<StaffTasks.Task> list(@RequestParam(defaultValue = StaffTasks.OPEN) String status,
                               @RequestParam(defaultValue = "false") boolean mine,
                               @RequestParam(defaultValue = "false") boolean overdue,
                               @RequestParam(defaultValue = "100") int limit) {
        return tasks.list(new StaffTasks.Filter(status, mine, overdue), Actor.current().name(), roles(),
                Math.min(Math.max(limit, 1), 1000));
    }

    record Completion(String outcome) {}

    @PostMapping("/api/v1/staff-tasks/{id}/completion")
    @PreAuthorize(MAY_COMPLETE)
    StaffTasks.Task complete(@PathVariable long id, @RequestBody Completion body) {
        return tasks.complete(id, body.outcome(), Actor.current());
    }

    /** The caller's roles without the {@code ROLE_} prefix, for "tasks of my role". */
    static Set<String> roles() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? Set.of() : auth.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("ROLE_")).map(a -> a.substring(5)).collect(Collectors.toSet());
    }
}
