package io.rapport.privacy;

import io.rapport.platform.RapportException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The public end of unsubscribe links: no login, the signed token is the permission. GET shows a page with one
 * button (mail scanners that follow links must not unsubscribe anyone); POST withdraws — from that button, or from a
 * mail client's RFC 8058 one-click request ({@code List-Unsubscribe=One-Click}). A forged token answers 400, an
 * expired one 410, each with a page saying so.
 */
@Controller
class UnsubscribeController {

    private final Consents consents;
    private final UnsubscribeTokens tokens;

    UnsubscribeController(Consents consents, UnsubscribeTokens tokens) {
        this.consents = consents;
        this.tokens = tokens;
    }

    @GetMapping("/unsubscribe/{token}")
    String confirm(@PathVariable String token, Model model, HttpServletResponse response) {
        try {
            var grant = tokens.verify(token);
            model.addAttribute("purpose", grant.purpose().name());
            model.addAttribute("channel", grant.channel().map(Enum::name).orElse("ALL"));
            model.addAttribute("token", token);
            model.addAttribute("state", "confirm");
        } catch (RapportException e) {
            failed(e, model, response);
        }
        return "privacy-unsubscribe";
    }

    @PostMapping("/unsubscribe/{token}")
    String unsubscribe(@PathVariable String token, HttpServletRequest request, Model model,
                       HttpServletResponse response) {
        try {
            var result = consents.unsubscribe(token, request.getRemoteAddr());
            model.addAttribute("purpose", result.purpose().name());
            model.addAttribute("channel", result.channel().map(Enum::name).orElse("ALL"));
            model.addAttribute("state", "done");
        } catch (RapportException e) {
            failed(e, model, response);
        }
        return "privacy-unsubscribe";
    }

    private static void failed(RapportException e, Model model, HttpServletResponse response) {
        response.setStatus(e.status().value());
        model.addAttribute("state", "failed");
        model.addAttribute("code", e.code());
        model.addAttribute("detail", e.getMessage());
    }
}
