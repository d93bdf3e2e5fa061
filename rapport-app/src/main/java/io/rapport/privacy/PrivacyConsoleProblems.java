package io.rapport.privacy;

import io.rapport.platform.RapportException;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** Problems on privacy's console pages are shown as the console's problem page, with the right status. */
@ControllerAdvice(assignableTypes = {ConsentConsoleController.class, PrivacyConsoleController.class,
        DataSubjectRequestConsole.class})
class PrivacyConsoleProblems {

    @ExceptionHandler(RapportException.class)
    String problem(RapportException e, Model model, HttpServletResponse response) {
        response.setStatus(e.status().value());
        model.addAttribute("status", e.status().value());
        model.addAttribute("message", e.getMessage());
        return "problem";
    }
}
