package io.rapport.ingest;

import io.rapport.ingest.IngestRecords.Outcome;
import io.rapport.platform.RapportException;
import io.rapport.platform.RapportProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The event API: one event (a JSON object) or a batch (a JSON array, up to {@code rapport.ingest.max-batch}).
 * Each item gets its own result; valid items are stored even when others in the batch are rejected, and sending
 * the same batch again stores nothing new.
 */
@RestController
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT')")
class EventController {

    private final ChunkWriter writer;
    private final RecordMappers mappers;
    private final RapportProperties properties;

    EventController(ChunkWriter writer, RecordMappers mappers, RapportProperties properties) {
        this.writer = writer;
        this.mappers = mappers;
        this.properties = properties;
    }

    /** The result for one item: accepted, anonymous (stored without a customer), duplicate, or rejected. */
    record ItemResult(int index, String status, String externalId, String field, String message) {}

    /** Counts and per-item results of one call. */
    record BatchResult(int accepted, int anonymous, int duplicates, int rejected, List<ItemResult> items) {}

    @PostMapping(path = "/api/v1/events", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<BatchResult> ingest(@RequestBody JsonNode body) {
        List<JsonNode> items = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(items::add);
        } else if (body.isObject()) {
            items.add(body);
        } else {
            throw RapportException.badRequest("invalid-body", null, "Send one event (a JSON object) or a batch "
                    + "(a JSON array of objects)");
        }
        int max = properties.ingest().maxBatch();
        if (items.size() > max) {
            throw new RapportException(HttpStatus.CONTENT_TOO_LARGE, "batch-too-large",
                    "A batch holds at most " + max + " events; this one has " + items.size());
        }
        if (items.isEmpty()) {
            throw RapportException.badRequest("empty-batch", null, "The batch is empty");
        }
        ItemResult[] results = new ItemResult[items.size()];
        List<IngestRecords.Event> valid = new ArrayList<>();
        List<Integer> validIndex = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                valid.add(EventJson.read(items.get(i), i, "api", true, mappers));
                validIndex.add(i);
            } catch (RowProblem p) {
                String prefix = body.isArray() ? "[" + i + "]." : "";
                results[i] = new ItemResult(i, "rejected", text(items.get(i), "external_id"),
                        p.field() == null ? null : prefix + p.field(), p.reason());
            }
        }
        List<Outcome> outcomes = writer.events(valid);
        int accepted = 0;
        int anonymous = 0;
        int duplicates = 0;
        for (int n = 0; n < outcomes.size(); n++) {
            int i = validIndex.get(n);
            Outcome o = outcomes.get(n);
            switch (o) {
                case ACCEPTED -> accepted++;
                case ANONYMOUS -> anonymous++;
                case DUPLICATE -> duplicates++;
            }
            results[i] = new ItemResult(i, o.name().toLowerCase(java.util.Locale.ROOT), valid.get(n).externalId(),
                    null, switch (o) {
                        case ACCEPTED -> null;
                        case ANONYMOUS -> "no customer has these identifiers: stored as an anonymous event";
                        case DUPLICATE -> "already stored (same source and external_id)";
                    });
        }
        int rejected = items.size() - outcomes.size();
        BatchResult result = new BatchResult(accepted, anonymous, duplicates, rejected, List.of(results));
        if (outcomes.isEmpty()) {
            // Nothing stored: the request as a whole is bad; name the first problem, list them all.
            ItemResult first = results[0];
            throw RapportException.badRequest("invalid-event", first.field(),
                    (body.isArray() ? "Item " + first.index() + ": " : "") + first.message())
                    .with("items", List.of(results));
        }
        return ResponseEntity.status(rejected == 0 ? HttpStatus.OK : HttpStatus.MULTI_STATUS).body(result);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || !value.isValueNode() ? null : value.asString();
    }
}
