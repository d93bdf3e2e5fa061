package io.rapport.channel;

import io.rapport.platform.Actor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Templates, sends, the outbox with its dead letters, and the callback gateways report engagement to. */
@RestController
class ChannelController {

    static final String MAY_READ = "hasAnyRole('ADMIN','MARKETER','ANALYST')";
    static final String MAY_WRITE = "hasAnyRole('ADMIN','MARKETER')";

    private final MessageTemplates templates;
    private final Outbox outbox;
    private final MessageEvents events;

    ChannelController(MessageTemplates templates, Outbox outbox, MessageEvents events) {
        this.templates = templates;
        this.outbox = outbox;
        this.events = events;
    }

    @GetMapping("/api/v1/channel/templates")
    @PreAuthorize(MAY_READ)
    List<MessageTemplates.Template> templates() {
        return templates.list();
    }

    @GetMapping("/api/v1/channel/templates/{code}")
    @PreAuthorize(MAY_READ)
    MessageTemplates.Template template(@PathVariable String code) {
        return templates.get(code);
    }

    /** Creates or replaces a template (its version goes up by one); 400 names the path of each problem. */
    @PutMapping("/api/v1/channel/templates/{code}")
    @PreAuthorize(MAY_WRITE)
    MessageTemplates.Template saveTemplate(@PathVariable String code,
                                           @RequestBody MessageTemplates.Definition definition) {
        return templates.save(code, definition, Actor.current().name());
    }

    record PreviewRequest(long customerId, String language, Map<String, String> variables) {}

    /** The template rendered with a real customer's data, masked. */
    @PostMapping("/api/v1/channel/templates/{code}/preview")
    @PreAuthorize(MAY_READ)
    MessageTemplates.Rendered preview(@PathVariable String code, @RequestBody PreviewRequest request) {
        return templates.preview(code, request.customerId(), Optional.ofNullable(request.language()),
                request.variables() == null ? Map.of() : request.variables());
    }

    record SendBody(String dedupeKey, long customerId, String template, Map<String, String> variables,
                    String language) {}

    /** Sends one message through the guards and the outbox: 201 when written, 200 when the key was known. */
    @PostMapping("/api/v1/channel/sends")
    @PreAuthorize(MAY_WRITE)
    ResponseEntity<SendOutcome> send(@RequestBody SendBody body) {
        SendOutcome outcome = outbox.enqueue(new SendRequest(body.dedupeKey(), body.customerId(), body.template(),
                body.variables(), "api:" + Actor.current().name(), Optional.ofNullable(body.language())));
        return ResponseEntity.status(outcome.replayed() ? HttpStatus.OK : HttpStatus.CREATED).body(outcome);
    }

    @GetMapping("/api/v1/channel/outbox")
    @PreAuthorize(MAY_READ)
    List<Outbox.Entry> list(@RequestParam Optional<String> status, @RequestParam Optional<String> origin,
                            @RequestParam(defaultValue = "100") int limit) {
        return outbox.list(status, origin, limit);
    }

    @GetMapping("/api/v1/channel/outbox/{id}")
    @PreAuthorize(MAY_READ)
    Outbox.Entry get(@PathVariable long id) {
        return outbox.get(id);
    }

    /** Manual retry of a dead letter. */
    @PostMapping("/api/v1/channel/outbox/{id}/retry")
    @PreAuthorize(MAY_WRITE)
    Outbox.Entry retry(@PathVariable long id) {
        return outbox.retry(id);
    }

    @GetMapping("/api/v1/channel/stats")
    @PreAuthorize(MAY_READ)
    Outbox.Stats stats(@RequestParam Optional<String> origin) {
        return outbox.stats(origin);
    }

    /** Gateways report delivery, open, click, bounce and unsubscribe here (with an API key of their own). */
    @PostMapping("/api/v1/channel/events/{provider}")
    @PreAuthorize(MAY_WRITE)
    MessageEvents.Result events(@PathVariable String provider, @RequestBody List<MessageEvents.Reported> reported) {
        return events.record(provider, reported);
    }
}
