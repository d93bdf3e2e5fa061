package io.rapport.privacy;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** The consent card of the customer 360 page (loaded by htmx into the page). */
@Controller
class ConsentConsoleController {

    private final Consents consents;

    ConsentConsoleController(Consents consents) {
        this.consents = consents;
    }

    @GetMapping("/customers/{id}/consent-card")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST')")
    String card(@PathVariable long id, Model model) {
        model.addAttribute("consent", consents.overview(id));
        model.addAttribute("history", consents.history(id).reversed().stream().limit(10).toList());
        return "privacy-consent-card :: card";
    }
}
