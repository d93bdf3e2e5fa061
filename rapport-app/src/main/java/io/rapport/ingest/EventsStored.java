package io.rapport.ingest;

import java.time.Instant;
import java.util.List;

/**
 * Behaviour events of known customers just stored by one ingest chunk or API call: new events only, never a
 * replayed one. Published inside the storing transaction (see {@link OrderLinesStored} for what that means for
 * listeners). {@code propertiesJson} is the event's properties object as stored (JSON text, may be {@code null}).
 */
public record EventsStored(List<Event> events) {

    public EventsStored {
        events = List.copyOf(events);
    }

    /** One stored event; source + externalId is its idempotency key. */
    public record Event(long customerId, String source, String externalId, String type, Instant occurredAt,
                        String propertiesJson) {}
}
