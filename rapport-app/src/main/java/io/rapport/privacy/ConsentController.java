package io.rapport.privacy;

import io.rapport.platform.Actor;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Consent over HTTP: overview, history, grant/withdraw, bulk import, decisions and unsubscribe links. */
@RestController
class ConsentController {

    static final String MAY_READ = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST','AUDITOR')";
    static final String MAY_RECORD = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT')";
    static final String MAY_IMPORT = "hasAnyRole('ADMIN','MARKETER')";

    private final Consents consents;
    private final ConsentImport imports;
    private final ConsentPolicy policy;

    ConsentController(Consents consents, ConsentImport imports, ConsentPolicy policy) {
        this.consents = consents;
        this.imports = imports;
        this.policy = policy;
    }

    @GetMapping("/api/v1/customers/{id}/consents")
    @PreAuthorize(MAY_READ)
    Consents.Overview overview(@PathVariable long id) {
        return consents.overview(id);
    }

    @GetMapping("/api/v1/customers/{id}/consents/history")
    @PreAuthorize(MAY_READ)
    List<ConsentLedger.Event> history(@PathVariable long id) {
        return consents.history(id);
    }

    @PostMapping("/api/v1/customers/{id}/consents")
    @PreAuthorize(MAY_RECORD)
    @ResponseStatus(HttpStatus.CREATED)
    Consents.RecordResult record(@PathVariable long id, @RequestBody Consents.ChangeRequest request) {
        return consents.record(id, request, Actor.current());
    }

    @PostMapping(path = "/api/v1/consents/imports", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @PreAuthorize(MAY_IMPORT)
    ConsentImport.Report importCsv(@RequestParam("file") MultipartFile file) throws IOException {
        return imports.importCsv(file.getInputStream(), Actor.current());
    }

    /** The decision journeys and channels get: may this customer be used for the purpose on the channel? */
    @GetMapping("/api/v1/customers/{id}/contact-decision")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST')")
    Map<String, Object> decision(@PathVariable long id, @RequestParam String purpose,
                                 @RequestParam(required = false) String channel) {
        long current = consents.existing(id);
        Purpose p = Consents.parsePurpose(purpose, "purpose");
        ContactChannel c = channel == null || channel.isBlank() ? null : Consents.parseChannel(channel, "channel");
        ContactDecision d = policy.may(List.of(current), p, c).get(current);
        return Map.of("customerId", current, "purpose", p, "channel", c == null ? "ALL" : c.name(),
                "allowed", d.allowed(), "reason", d.reason().orElse(""));
    }

    /** A signed one-click unsubscribe link for a customer (what the channel module puts in messages). */
    @PostMapping("/api/v1/customers/{id}/unsubscribe-links")
    @PreAuthorize(MAY_IMPORT)
    @ResponseStatus(HttpStatus.CREATED)
    UnsubscribeTokens.Link unsubscribeLink(@PathVariable long id, @RequestBody Map<String, String> body) {
        return consents.unsubscribeLink(id, body.get("purpose"), body.get("channel"));
    }
}
