package io.rapport.journey;

import io.rapport.platform.RapportException;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The public end of survey links: no login, the signed token is the permission. GET shows the question with one
 * button per score (a mail scanner following the link answers nothing), or the score already given; POST records
 * the answer ({@link Surveys#answer}). A forged link answers 400, an expired one 410, a second, different score 409,
 * each with a page saying so.
 */
@Controller
class SurveyController {

    private final Surveys surveys;

    SurveyController(Surveys surveys) {
        this.surveys = surveys;
    }

    @GetMapping("/survey/{token}")
    String ask(@PathVariable String token, Model model, HttpServletResponse response) {
        try {
            Surveys.State state = surveys.state(token);
            model.addAttribute("token", token);
            model.addAttribute("state", state.score().isPresent() ? "done" : "ask");
            state.score().ifPresent(s -> model.addAttribute("score", s));
        } catch (RapportException e) {
            failed(e, model, response);
        }
        return "journey-survey";
    }

    @PostMapping("/survey/{token}")
    String answer(@PathVariable String token, @RequestParam(defaultValue = "0") String score, Model model,
                  HttpServletResponse response) {
        try {
            int value;
            try {
                value = Integer.parseInt(score.strip());
            } catch (NumberFormatException e) {
                throw RapportException.badRequest("invalid-score", "score", "A score is a whole number from "
                        + Surveys.LOWEST + " to " + Surveys.HIGHEST);
            }
            model.addAttribute("score", surveys.answer(token, value).score().orElseThrow());
            model.addAttribute("state", "done");
        } catch (RapportException e) {
            failed(e, model, response);
        }
        return "journey-survey";
    }

    private static void failed(RapportException e, Model model, HttpServletResponse response) {
        response.setStatus(e.status().value());
        model.addAttribute("state", "failed");
        model.addAttribute("code", e.code());
        model.addAttribute("detail", e.getMessage());
    }
}
