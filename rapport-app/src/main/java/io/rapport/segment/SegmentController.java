package io.rapport.segment;

import io.rapport.customer.CustomerProfiles;
import io.rapport.platform.Actor;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.databind.JsonNode;

/**
 * Segments over HTTP. Marketers and administrators create and edit (they target customers); analysts read, preview
 * and export (masked, audited) but change nothing.
 */
@RestController
class SegmentController {

    static final String MAY_READ = "hasAnyRole('ADMIN','MARKETER','ANALYST')";
    static final String MAY_EDIT = "hasAnyRole('ADMIN','MARKETER')";

    private final Segments segments;
    private final SegmentRefresh refresh;
    private final StaticLists lists;
    private final CustomerProfiles profiles;

    SegmentController(Segments segments, SegmentRefresh refresh, StaticLists lists, CustomerProfiles profiles) {
        this.segments = segments;
        this.refresh = refresh;
        this.lists = lists;
        this.profiles = profiles;
    }

    @GetMapping("/api/v1/segments/fields")
    @PreAuthorize(MAY_READ)
    List<Segments.FieldInfo> fields() {
        return segments.fields();
    }

    @GetMapping("/api/v1/segments")
    @PreAuthorize(MAY_READ)
    List<Segments.View> list() {
        return segments.list();
    }

    @PostMapping("/api/v1/segments")
    @PreAuthorize(MAY_EDIT)
    ResponseEntity<Segments.View> create(@RequestBody Segments.Request request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(segments.create(request, Actor.current()));
    }

    /** Saves the documented example audiences (docs/segments.md) that are not saved yet. */
    @PostMapping("/api/v1/segments/examples")
    @PreAuthorize(MAY_EDIT)
    List<Segments.View> examples() throws IOException {
        return segments.saveExamples(Actor.current());
    }

    /** Count and a masked sample of what a definition selects; nothing is saved. Body: the condition tree. */
    @PostMapping("/api/v1/segments/preview")
    @PreAuthorize(MAY_READ)
    Segments.Preview preview(@RequestBody JsonNode definition) {
        return segments.preview(definition);
    }

    @GetMapping("/api/v1/segments/{id}")
    @PreAuthorize(MAY_READ)
    Segments.View find(@PathVariable long id) {
        return segments.find(id);
    }

    @PutMapping("/api/v1/segments/{id}")
    @PreAuthorize(MAY_EDIT)
    Segments.View update(@PathVariable long id, @RequestBody Segments.Request request) {
        return segments.update(id, request, Actor.current());
    }

    @DeleteMapping("/api/v1/segments/{id}")
    @PreAuthorize(MAY_EDIT)
    ResponseEntity<Void> delete(@PathVariable long id) {
        segments.delete(id, Actor.current());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/segments/{id}/members")
    @PreAuthorize(MAY_READ)
    List<Segments.Member> members(@PathVariable long id, @RequestParam(defaultValue = "50") int limit) {
        return segments.members(id, Math.min(Math.max(limit, 1), 500));
    }

    @GetMapping("/api/v1/segments/{id}/overlap")
    @PreAuthorize(MAY_READ)
    Segments.Overlap overlap(@PathVariable long id, @RequestParam("with") long other) {
        return segments.overlap(id, other);
    }

    @GetMapping("/api/v1/segments/{id}/sizes")
    @PreAuthorize(MAY_READ)
    List<Segments.SizePoint> sizes(@PathVariable long id, @RequestParam(defaultValue = "90") int days) {
        return segments.sizes(id, Math.min(Math.max(days, 1), 3660));
    }

    @GetMapping("/api/v1/segments/{id}/changes")
    @PreAuthorize(MAY_READ)
    List<Segments.Change> changes(@PathVariable long id, @RequestParam(defaultValue = "100") int limit) {
        return segments.changes(id, Math.min(Math.max(limit, 1), 1000));
    }

    /** Members as CSV, masked unless {@code reveal=true} and the caller may see personal data; always audited. */
    @GetMapping("/api/v1/segments/{id}/members.csv")
    @PreAuthorize(MAY_READ)
    void export(@PathVariable long id, @RequestParam(defaultValue = "false") boolean reveal,
                HttpServletResponse response) throws IOException {
        segments.find(id);
        Actor actor = Actor.current();
        segments.checkExport(actor, reveal);
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"segment-" + id + ".csv\"");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        segments.export(id, actor, reveal, response.getWriter());
    }

    /** Replaces a static segment's members with the customers a CSV of identities names; reports unmatched rows. */
    @PostMapping("/api/v1/segments/{id}/members")
    @PreAuthorize(MAY_EDIT)
    StaticLists.Report upload(@PathVariable long id, @RequestPart("file") MultipartFile file) throws IOException {
        return lists.upload(id, file.getInputStream(), Actor.current());
    }

    @GetMapping("/api/v1/customers/{id}/segments")
    @PreAuthorize(MAY_READ)
    List<Segments.View> segmentsOf(@PathVariable long id) {
        return segments.segmentsOf(profiles.current(id));
    }

    @PostMapping("/api/v1/segments/refresh")
    @PreAuthorize("hasRole('ADMIN')")
    SegmentRefresh.Run refresh() {
        return refresh.refreshAll("manual");
    }

    @GetMapping("/api/v1/segments/refresh")
    @PreAuthorize(MAY_READ)
    List<SegmentRefresh.Run> refreshRuns(@RequestParam(defaultValue = "20") int limit) {
        return refresh.recent(Math.min(Math.max(limit, 1), 200));
    }
}
