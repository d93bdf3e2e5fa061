package io.rapport.ingest;

/** A row (or API item) that cannot be stored, with the field, the offending value and why. */
final class RowProblem extends RuntimeException {

    private final String field;
    private final String value;

    RowProblem(String field, String value, String reason) {
        super(reason, null, false, false);
        this.field = field;
        this.value = value;
    }

    String field() {
        return field;
    }

    /** The offending value, shortened so a 10 MB field does not become a 10 MB error report. */
    String value() {
        if (value == null) {
            return null;
        }
        return value.length() <= 120 ? value : value.substring(0, 117) + "...";
    }

    String reason() {
        return getMessage();
    }
}
