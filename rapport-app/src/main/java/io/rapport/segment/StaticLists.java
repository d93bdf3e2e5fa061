package io.rapport.segment;

import io.rapport.customer.CustomerDirectory;
import io.rapport.customer.CustomerProfiles;
import io.rapport.customer.IdentityKey;
import io.rapport.customer.IdentityKind;
import io.rapport.customer.IdentityNormalizer;
import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import io.rapport.privacy.AuditLog;
import io.rapport.privacy.PersonalDataMask;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Static segments from an uploaded list of identities: a CSV with a header naming one or more of {@code email},
 * {@code phone}, {@code member_no}, {@code customer_id} (Rapport's id). Each row names one person (the first
 * non-empty column in that order); rows that match nobody are reported by row number, never silently dropped.
 */
@Component
class StaticLists {

    static final int MAX_ROWS = 1_000_000;
    static final List<String> COLUMNS = List.of("email", "phone", "member_no", "customer_id");

    private final SegmentStore store;
    private final Memberships memberships;
    private final CustomerDirectory directory;
    private final CustomerProfiles profiles;
    private final IdentityNormalizer normalizer;
    private final AuditLog audit;

    StaticLists(SegmentStore store, Memberships memberships, CustomerDirectory directory, CustomerProfiles profiles,
                IdentityNormalizer normalizer, AuditLog audit) {
        this.store = store;
        this.memberships = memberships;
        this.directory = directory;
        this.profiles = profiles;
        this.normalizer = normalizer;
        this.audit = audit;
    }

    /** One row that matched nobody (the value masked: the report is shown to people who may not see it). */
    record Unmatched(long row, String field, String value, String reason) {}

    record Report(long segmentId, long rows, long matched, long members, List<Unmatched> unmatched) {}

    @Transactional
    public Report upload(long segmentId, InputStream in, Actor actor) throws IOException {
        SegmentStore.Row segment = store.find(segmentId).orElseThrow(() -> RapportException.notFound("segment", segmentId));
        if (segment.dynamic()) {
            throw RapportException.badRequest("not-static", "segment", "Segment " + segmentId
                    + " is dynamic: its members follow its condition; upload lists to a static segment");
        }
        Map<Long, IdentityKey> keys = new LinkedHashMap<>();
        Map<Long, Long> byCustomerId = new LinkedHashMap<>();
        List<Unmatched> unmatched = new ArrayList<>();
        long rows = 0;
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
             CSVParser csv = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                     .setIgnoreEmptyLines(true).get().parse(reader)) {
            List<String> header = csv.getHeaderNames().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
            if (header.stream().noneMatch(COLUMNS::contains)) {
                throw RapportException.badRequest("invalid-header", "header", "The list needs a header with at least one "
                        + "of " + String.join(", ", COLUMNS));
            }
            for (CSVRecord record : csv) {
                rows++;
                if (rows > MAX_ROWS) {
                    throw RapportException.badRequest("list-too-long", "file", "A list has at most " + MAX_ROWS + " rows");
                }
                long row = record.getRecordNumber() + 1;
                String field = null;
                String value = null;
                for (String column : COLUMNS) {
                    int index = header.indexOf(column);
                    if (index >= 0 && index < record.size() && !record.get(index).isBlank()) {
                        field = column;
                        value = record.get(index);
                        break;
                    }
                }
                if (field == null) {
                    unmatched.add(new Unmatched(row, null, null, "no identifier in this row"));
                    continue;
                }
                try {
                    switch (field) {
                        case "email" -> keys.put(row, normalizer.email(value));
                        case "phone" -> keys.put(row, normalizer.phone(value));
                        case "member_no" -> keys.put(row, normalizer.of(IdentityKind.MEMBER_NO, "", value));
                        default -> byCustomerId.put(row, Long.parseLong(value));
                    }
                } catch (IdentityNormalizer.InvalidIdentityException | NumberFormatException e) {
                    unmatched.add(new Unmatched(row, field, mask(field, value), "not a valid " + field));
                }
            }
        }
        Map<IdentityKey, Long> owners = directory.owners(new HashSet<>(keys.values()));
        Set<Long> members = new TreeSet<>();
        for (var entry : keys.entrySet()) {
            Long owner = owners.get(entry.getValue());
            if (owner == null) {
                IdentityKey key = entry.getValue();
                unmatched.add(new Unmatched(entry.getKey(), key.kind().wire(), mask(key.kind().wire(), key.value()),
                        "no customer has this " + key.kind().wire()));
            } else {
                members.add(directory.current(owner).orElse(owner));
            }
        }
        for (var entry : byCustomerId.entrySet()) {
            try {
                members.add(profiles.current(entry.getValue()));
            } catch (RapportException notFound) {
                unmatched.add(new Unmatched(entry.getKey(), "customer_id", entry.getValue().toString(),
                        "no customer has this id"));
            }
        }
        unmatched.sort(java.util.Comparator.comparingLong(Unmatched::row));
        memberships.replaceStatic(segmentId, members, "upload");
        memberships.recordSizes();
        long matched = rows - unmatched.size();
        audit.record(actor, "segment.upload", "segment", Long.toString(segmentId),
                rows + " rows, " + matched + " matched, " + members.size() + " members");
        return new Report(segmentId, rows, matched, members.size(), unmatched);
    }

    private static String mask(String field, String value) {
        return switch (field) {
            case "email" -> PersonalDataMask.email(value);
            case "phone" -> PersonalDataMask.phone(value);
            default -> PersonalDataMask.identifier(value);
        };
    }
}
