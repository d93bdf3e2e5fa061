package io.rapport.console;

import io.rapport.platform.RapportException;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** Problems on console pages are shown as the console's own problem page, with the right status. */
@ControllerAdvice(basePackageClasses = ConsoleProblems.class)
class ConsoleProblems {

    @ExceptionHandler(RapportException.class)
    String problem(RapportException e, Model model, HttpServletResponse response) {
        return page(e.status().value(), e.getMessage(), model, response);
    }

    @ExceptionHandler(AccessDeniedException.class)
    String denied(Model model, HttpServletResponse response) {
        return page(HttpServletResponse.SC_FORBIDDEN, "Your role may not do this", model, response);
    }

    private static String page(int status, String message, Model model, HttpServletResponse response) {
        response.setStatus(status);
        model.addAttribute("status", status);
        model.addAttribute("message", message);
        return "problem";
    }
}
