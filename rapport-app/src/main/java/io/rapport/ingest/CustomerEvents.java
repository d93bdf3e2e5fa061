package io.rapport.ingest;

import io.rapport.ingest.IngestRecords.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * Behaviour events other modules learn of for a customer they already know by id (a journey's survey answered):
 * stored and published through the same pipeline as the event API's, idempotent per source and external id, so
 * segments, counters and journeys react to them as to any event.
 */
@Service
public class CustomerEvents {

    private final IngestPipeline pipeline;
    private final ObjectMapper json;

    CustomerEvents(IngestPipeline pipeline, ObjectMapper json) {
        this.pipeline = pipeline;
        this.json = json;
    }

    /** Stores the event; false when this source and external id were stored before (nothing happens again). */
    public boolean record(long customerId, String source, String externalId, String type, Instant occurredAt,
                          Map<String, String> properties) {
        var event = new IngestRecords.Event(0, source, externalId, type, occurredAt, List.of(),
                properties.isEmpty() ? null : json.writeValueAsString(properties));
        return pipeline.eventsOf(customerId, List.of(event)).getFirst() == Outcome.ACCEPTED;
    }
}
