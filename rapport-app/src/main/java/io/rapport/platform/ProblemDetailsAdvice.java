package io.rapport.platform;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/** Every API error leaves the server in one shape: RFC 9457 problem details with a stable {@code code}. */
@RestControllerAdvice(annotations = org.springframework.web.bind.annotation.RestController.class)
class ProblemDetailsAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    static ProblemDetail problem(HttpStatus status, String code, String message) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, message);
        problem.setTitle(status.getReasonPhrase());
        problem.setProperty("code", code);
        return problem;
    }

    @ExceptionHandler(RapportException.class)
    ProblemDetail rapport(RapportException e) {
        ProblemDetail problem = problem(e.status(), e.code(), e.getMessage());
        e.field().ifPresent(field -> problem.setProperty("field", field));
        e.properties().forEach(problem::setProperty);
        return problem;
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonBodyLimit.TooLargeException tooLarge) {
                return problem(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", tooLarge.getMessage());
            }
        }
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof DatabindException mapping && !mapping.getPath().isEmpty()) {
            String field = JsonPaths.describe(mapping.getPath());
            ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-field",
                    "Field '" + field + "' has a value of the wrong type: " + mapping.getOriginalMessage());
            problem.setProperty("field", field);
            return problem;
        }
        if (cause instanceof JacksonException json && json.getLocation() == null) {
            // limits checked before a location exists (nesting depth, name length)
            return problem(HttpStatus.BAD_REQUEST, "malformed-json", "Request body is not acceptable JSON: "
                    + json.getOriginalMessage());
        }
        if (cause instanceof JacksonException json) {
            var location = json.getLocation();
            ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "malformed-json",
                    "Request body is not valid JSON at line " + location.getLineNr() + ", column "
                            + location.getColumnNr() + ": " + json.getOriginalMessage());
            problem.setProperty("line", location.getLineNr());
            problem.setProperty("column", location.getColumnNr());
            return problem;
        }
        return problem(HttpStatus.BAD_REQUEST, "unreadable-body", "Request body is missing or unreadable");
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ProblemDetail invalid(MethodArgumentNotValidException e) {
        List<Map<String, String>> errors = e.getBindingResult().getFieldErrors().stream()
                .map(error -> Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage())))
                .toList();
        String first = errors.isEmpty() ? "request" : errors.getFirst().get("field");
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-field",
                "Invalid value for '" + first + "'" + (errors.isEmpty() ? "" : ": " + errors.getFirst().get("message")));
        problem.setProperty("field", first);
        problem.setProperty("errors", errors);
        return problem;
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MissingServletRequestPartException.class,
            MethodArgumentTypeMismatchException.class})
    ProblemDetail badParameter(Exception e) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-parameter", e.getMessage());
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ProblemDetail tooLarge(MaxUploadSizeExceededException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "upload-too-large", "The uploaded file is larger than allowed");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ProblemDetail mediaType(HttpMediaTypeNotSupportedException e) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", e.getMessage());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ProblemDetail method(HttpRequestMethodNotSupportedException e) {
        return problem(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ProblemDetail noResource(NoResourceFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "No such resource: " + e.getResourcePath());
    }

    @ExceptionHandler(org.springframework.security.access.AccessDeniedException.class)
    ProblemDetail denied(Exception e) {
        return problem(HttpStatus.FORBIDDEN, "forbidden", "Your role may not do this");
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("Unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Unexpected error; it has been logged");
    }
}
