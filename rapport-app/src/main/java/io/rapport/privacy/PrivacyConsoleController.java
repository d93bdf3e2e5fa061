package io.rapport.privacy;

import java.time.YearMonth;
import java.time.ZoneId;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The auditor's console pages: audit log search, chain verification, data usage per month. */
@Controller
@PreAuthorize(AuditController.MAY_AUDIT)
class PrivacyConsoleController {

    private final AuditLog audit;
    private final DataUsage usage;
    private final ZoneId zone;

    PrivacyConsoleController(AuditLog audit, DataUsage usage, io.rapport.platform.RapportProperties properties) {
        this.audit = audit;
        this.usage = usage;
        this.zone = properties.timeZone();
    }

    @GetMapping("/privacy/audit")
    String audit(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                 @RequestParam(required = false) String subjectType, @RequestParam(required = false) String subjectId,
                 @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                 @RequestParam(required = false) Long beforeId, @RequestParam(required = false) String month,
                 Model model) {
        var filter = new AuditLog.Filter(actor, action, subjectType, subjectId, AuditController.instant(from, "from"),
                AuditController.instant(to, "to"), beforeId, 100);
        var entries = audit.search(filter);
        YearMonth shown = month == null || month.isBlank() ? YearMonth.now(zone) : YearMonth.parse(month);
        model.addAttribute("filter", filter);
        model.addAttribute("fromText", from);
        model.addAttribute("toText", to);
        model.addAttribute("entries", entries);
        model.addAttribute("nextBefore", entries.size() == 100 ? entries.getLast().id() : null);
        model.addAttribute("usage", usage.month(shown));
        return "privacy-audit";
    }

    @GetMapping("/privacy/audit/verification")
    String verification(Model model) {
        model.addAttribute("verification", audit.verify());
        return "privacy-audit :: verification";
    }
}
