package io.rapport.privacy;

import io.rapport.platform.RapportException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit log for auditors: search, chain verification, data-usage reports. */
@RestController
@PreAuthorize(AuditController.MAY_AUDIT)
class AuditController {

    static final String MAY_AUDIT = "hasAnyRole('ADMIN','AUDITOR')";

    private final AuditLog audit;
    private final DataUsage usage;
    private final Consents consents;

    AuditController(AuditLog audit, DataUsage usage, Consents consents) {
        this.audit = audit;
        this.usage = usage;
        this.consents = consents;
    }

    @GetMapping("/api/v1/audit")
    List<AuditLog.Entry> search(@RequestParam(required = false) String actor,
                                @RequestParam(required = false) String action,
                                @RequestParam(required = false) String subjectType,
                                @RequestParam(required = false) String subjectId,
                                @RequestParam(required = false) String from,
                                @RequestParam(required = false) String to,
                                @RequestParam(required = false) Long beforeId,
                                @RequestParam(defaultValue = "100") int limit) {
        return audit.search(new AuditLog.Filter(actor, action, subjectType, subjectId, instant(from, "from"),
                instant(to, "to"), beforeId, limit));
    }

    /** Walks the hash chain; {@code intact=false} names the first entry that does not fit. */
    @GetMapping("/api/v1/audit/verification")
    AuditLog.Verification verify() {
        return audit.verify();
    }

    @GetMapping("/api/v1/privacy/usage/customers/{id}")
    List<DataUsage.CustomerMonth> customerUsage(@PathVariable long id) {
        return usage.forCustomer(consents.existing(id));
    }

    @GetMapping("/api/v1/privacy/usage/months/{month}")
    DataUsage.Month monthUsage(@PathVariable String month) {
        try {
            return usage.month(YearMonth.parse(month));
        } catch (DateTimeParseException e) {
            throw RapportException.badRequest("invalid-parameter", "month", "'" + month + "' is not a month like 2025-11");
        }
    }

    static Instant instant(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return value.length() == 10 ? java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw RapportException.badRequest("invalid-parameter", field,
                    "'" + value + "' is not a date (2025-11-01) or an instant (2025-11-01T00:00:00Z)");
        }
    }
}
