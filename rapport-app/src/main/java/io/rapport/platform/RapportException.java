package io.rapport.platform;

import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * A problem the caller can fix, reported as RFC 9457 problem details with a stable {@code code}.
 * {@code field} names the offending input when there is one.
 */
public class RapportException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final String field;
    private final java.util.Map<String, Object> properties = new java.util.LinkedHashMap<>();

    public RapportException(HttpStatus status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public RapportException(HttpStatus status, String code, String message) {
        this(status, code, message, null);
    }

    public static RapportException notFound(String what, Object id) {
        return new RapportException(HttpStatus.NOT_FOUND, what + "-not-found", what + " " + id + " does not exist");
    }

    public static RapportException badRequest(String code, String field, String message) {
        return new RapportException(HttpStatus.BAD_REQUEST, code, message, field);
    }

    /** Adds a problem-details extension member (e.g. per-item errors of a batch). */
    public RapportException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public java.util.Map<String, Object> properties() {
        return java.util.Collections.unmodifiableMap(properties);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
