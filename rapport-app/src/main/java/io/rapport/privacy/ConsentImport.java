package io.rapport.privacy;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bulk consent import from CSV (one grant or withdrawal per row). Rows are checked and written one by one: a bad row
 * is reported with its row number, field and reason (identifiers masked) and the good rows beside it are kept.
 * Replaying a file records nothing twice (the same customer, key, time and decision is a duplicate).
 *
 * <p>Columns: one of {@code customer_id}, {@code email}, {@code phone}, {@code member_no}; {@code purpose},
 * {@code action} (grant/withdraw), {@code occurred_at} (ISO-8601 instant); optional {@code channel} (empty: all),
 * {@code partner}, {@code sensitive_field}, {@code source} (default import), {@code notice_version}, {@code proof}.
 */
@Service
public class ConsentImport {

    static final Set<String> IDENTIFIERS = Set.of("customer_id", "email", "phone", "member_no");
    static final int MAX_ERRORS = 1000;

    private final ConsentLedger ledger;
    private final DataSubjects subjects;
    private final Consents consents;
    private final AuditLog audit;
    private final TransactionTemplate transactions;

    ConsentImport(ConsentLedger ledger, DataSubjects subjects, Consents consents, AuditLog audit,
                  TransactionTemplate transactions) {
        this.ledger = ledger;
        this.subjects = subjects;
        this.consents = consents;
        this.audit = audit;
        this.transactions = transactions;
    }

    /** A row that was not recorded; {@code value} is masked when it is an identifier. */
    public record RowError(long row, String field, String value, String code, String reason) {}

    /** What the import did. */
    public record Report(long rows, long recorded, long changed, long duplicates, long rejected, List<RowError> errors) {}

    public Report importCsv(InputStream in, Actor actor) throws IOException {
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).get();
        long rows = 0;
        long recorded = 0;
        long changed = 0;
        long duplicates = 0;
        long rejected = 0;
        List<RowError> errors = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            List<String> header = parser.getHeaderNames().stream().map(h -> h.replace("\uFEFF", "").strip()).toList();
            checkHeader(header);
            for (CSVRecord record : parser) {
                rows++;
                long rowNo = record.getRecordNumber() + 1;
                try {
                    ConsentLedger.Outcome outcome = transactions.execute(tx -> importRow(record, header, actor));
                    switch (outcome) {
                        case CHANGED -> {
                            recorded++;
                            changed++;
                        }
                        case RECORDED -> recorded++;
                        case DUPLICATE -> duplicates++;
                    }
                } catch (RapportException e) {
                    rejected++;
                    if (errors.size() < MAX_ERRORS) {
                        String field = e.field().orElse("");
                        errors.add(new RowError(rowNo, field, masked(field, value(record, header, field)), e.code(),
                                e.getMessage()));
                    }
                }
            }
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            throw RapportException.badRequest("malformed-csv", "file", "The file is not readable CSV: " + e.getMessage());
        }
        audit.record(actor, "consent.import", "consent", null, rows + " rows: " + recorded + " recorded, " + duplicates
                + " duplicates, " + rejected + " rejected");
        return new Report(rows, recorded, changed, duplicates, rejected, errors);
    }

    private static void checkHeader(List<String> header) {
        if (header.stream().noneMatch(IDENTIFIERS::contains)) {
            throw RapportException.badRequest("missing-column", "customer_id",
                    "The file needs one of the columns customer_id, email, phone, member_no");
        }
        for (String required : List.of("purpose", "action", "occurred_at")) {
            if (!header.contains(required)) {
                throw RapportException.badRequest("missing-column", required, "The file needs a column '" + required + "'");
            }
        }
    }

    private ConsentLedger.Outcome importRow(CSVRecord record, List<String> header, Actor actor) {
        long customer = customer(record, header);
        String occurred = value(record, header, "occurred_at");
        Instant at;
        try {
            at = Instant.parse(occurred);
        } catch (DateTimeParseException | NullPointerException e) {
            throw RapportException.badRequest("invalid-timestamp", "occurred_at",
                    "'" + occurred + "' is not an ISO-8601 instant such as 2025-03-01T09:30:00Z");
        }
        String channel = value(record, header, "channel");
        String source = value(record, header, "source");
        var request = new Consents.ChangeRequest(value(record, header, "purpose"), value(record, header, "action"),
                channel == null || channel.isEmpty() ? List.of() : List.of(channel), value(record, header, "partner"),
                value(record, header, "sensitive_field"), at, source == null || source.isEmpty() ? "import" : source,
                value(record, header, "notice_version"), value(record, header, "proof"));
        List<ConsentLedger.Change> changes;
        try {
            changes = consents.changes(request, actor);
        } catch (RapportException e) {
            throw rename(e);
        }
        try {
            return ledger.record(customer, changes.getFirst(), actor.name());
        } catch (RapportException e) {
            throw rename(e);
        }
    }

    /** Problems raised with API field names are reported with the file's column names. */
    private static RapportException rename(RapportException e) {
        String field = e.field().orElse("");
        String column = switch (field) {
            case "sensitiveField" -> "sensitive_field";
            case "noticeVersion" -> "notice_version";
            case "occurredAt" -> "occurred_at";
            case "channels[0]" -> "channel";
            default -> field;
        };
        return column.equals(field) ? e : new RapportException(e.status(), e.code(), e.getMessage(), column);
    }

    private long customer(CSVRecord record, List<String> header) {
        String id = value(record, header, "customer_id");
        if (id != null && !id.isEmpty()) {
            long parsed;
            try {
                parsed = Long.parseLong(id);
            } catch (NumberFormatException e) {
                throw RapportException.badRequest("invalid-field", "customer_id", "'" + id + "' is not a customer id");
            }
            return subjects.current(parsed).orElseThrow(() -> RapportException.badRequest("unknown-customer",
                    "customer_id", "No customer " + parsed));
        }
        for (String kind : List.of("email", "phone", "member_no")) {
            String value = value(record, header, kind);
            if (value != null && !value.isEmpty()) {
                Optional<Long> found;
                try {
                    found = subjects.findByIdentity(kind, value);
                } catch (IllegalArgumentException e) {
                    throw RapportException.badRequest("invalid-identifier", kind, "Not a valid " + kind);
                }
                return found.orElseThrow(() -> RapportException.badRequest("unknown-customer", kind,
                        "No customer has this " + kind));
            }
        }
        throw RapportException.badRequest("missing-identifier", "customer_id",
                "The row names no customer (customer_id, email, phone or member_no)");
    }

    private static String value(CSVRecord record, List<String> header, String column) {
        int index = header.indexOf(column);
        if (index < 0 || index >= record.size()) {
            return null;
        }
        return record.get(index);
    }

    private static String masked(String field, String value) {
        if (value == null) {
            return null;
        }
        return switch (field) {
            case "email" -> PersonalDataMask.email(value);
            case "phone" -> PersonalDataMask.phone(value);
            case "member_no" -> PersonalDataMask.identifier(value);
            default -> value.length() > 200 ? value.substring(0, 200) : value;
        };
    }
}
