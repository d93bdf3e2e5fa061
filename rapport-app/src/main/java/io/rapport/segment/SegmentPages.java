package io.rapport.segment;

import io.rapport.customer.CustomerProfiles;
import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Console pages of the segment capability: the segment list with sizes and trends, the segment builder with a live
 * count, and the tags card of the customer 360 page. Same roles as the API behind them.
 */
@Controller
class SegmentPages {

    private final Segments segments;
    private final Tags tags;
    private final CustomerProfiles profiles;
    private final ObjectMapper json;

    SegmentPages(Segments segments, Tags tags, CustomerProfiles profiles, ObjectMapper json) {
        this.segments = segments;
        this.tags = tags;
        this.profiles = profiles;
        this.json = json;
    }

    /** A row of the segment list: size now, a week ago, and the daily sizes for the trend. */
    record Listed(Segments.View segment, Long weekAgo, List<Long> trend) {}

    @GetMapping("/segments")
    @PreAuthorize(SegmentController.MAY_READ)
    String list(Model model) {
        LocalDate weekAgo = LocalDate.now().minusDays(7);
        List<Listed> rows = segments.list().stream().map(s -> {
            List<Segments.SizePoint> sizes = segments.sizes(s.id(), 30);
            Long before = sizes.stream().filter(p -> !p.day().isAfter(weekAgo)).reduce((a, b) -> b)
                    .map(Segments.SizePoint::size).orElse(null);
            return new Listed(s, before, sizes.stream().map(Segments.SizePoint::size).toList());
        }).toList();
        model.addAttribute("rows", rows);
        return "segments";
    }

    @GetMapping("/segments/new")
    @PreAuthorize(SegmentController.MAY_READ)
    String create(Model model) {
        return builder(model, null);
    }

    @GetMapping("/segments/{id}")
    @PreAuthorize(SegmentController.MAY_READ)
    String edit(@PathVariable long id, Model model) {
        Segments.View segment = segments.find(id);
        List<Segments.SizePoint> sizes = segments.sizes(id, 90);
        model.addAttribute("sizes", sizes);
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("days", sizes.stream().map(p -> p.day().toString()).toList());
        chart.put("sizes", sizes.stream().map(Segments.SizePoint::size).toList());
        chart.put("entries", sizes.stream().map(Segments.SizePoint::entries).toList());
        chart.put("exits", sizes.stream().map(Segments.SizePoint::exits).toList());
        model.addAttribute("sizesJson", json.writeValueAsString(chart));
        return builder(model, segment);
    }

    private String builder(Model model, Segments.View segment) {
        model.addAttribute("segment", segment);
        model.addAttribute("fieldsJson", json.writeValueAsString(segments.fields()));
        model.addAttribute("definitionJson", segment == null || segment.definition() == null ? "{\"all\":[]}"
                : segment.definition().toString());
        model.addAttribute("mayEdit", Actor.current() != null && mayEdit());
        return "segment-builder";
    }

    private static boolean mayEdit() {
        var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals("ROLE_ADMIN") || a.getAuthority().equals("ROLE_MARKETER"));
    }

    /** The live count: htmx posts the tree on every change; a problem is shown in place (naming its path). */
    @PostMapping("/segments/count")
    @PreAuthorize(SegmentController.MAY_READ)
    String count(@RequestParam String definition, Model model) {
        try {
            model.addAttribute("preview", segments.preview(json.readTree(definition)));
        } catch (RapportException e) {
            model.addAttribute("problem", e.getMessage());
        } catch (JacksonException e) {
            model.addAttribute("problem", "not JSON");
        }
        return "segment-builder :: count";
    }

    @PostMapping("/segments")
    @PreAuthorize(SegmentController.MAY_EDIT)
    String save(@RequestParam(required = false) Long id, @RequestParam String name,
                @RequestParam(required = false) String description, @RequestParam String definition, Model model) {
        JsonNode tree;
        try {
            tree = json.readTree(definition);
        } catch (JacksonException e) {
            throw RapportException.badRequest("malformed-json", "definition", "The definition is not JSON");
        }
        try {
            Segments.View saved = id == null
                    ? segments.create(new Segments.Request(name, description, "dynamic", tree), Actor.current())
                    : segments.update(id, new Segments.Request(name, description, null, tree), Actor.current());
            return "redirect:/segments/" + saved.id();
        } catch (RapportException e) {
            model.addAttribute("saveProblem", e.getMessage());
            Map<String, Object> draft = new LinkedHashMap<>();
            draft.put("name", name);
            model.addAttribute("draftName", name);
            model.addAttribute("segment", id == null ? null : segments.find(id));
            model.addAttribute("fieldsJson", json.writeValueAsString(segments.fields()));
            model.addAttribute("definitionJson", tree.toString());
            model.addAttribute("mayEdit", true);
            return "segment-builder";
        }
    }

    /** The tags card of the customer 360 page. */
    @GetMapping("/customers/{id}/tags-card")
    @PreAuthorize(TagController.MAY_READ)
    String tagsCard(@PathVariable long id, Model model) {
        long current = profiles.current(id);
        model.addAttribute("tags", tags.of(current));
        model.addAttribute("segments", segments.segmentsOf(current));
        return "segment-tags :: card";
    }
}
