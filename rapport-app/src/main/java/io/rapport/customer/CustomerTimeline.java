package io.rapport.customer;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A customer's orders and events, newest first. The customer capability defines this port; the capability that
 * stores the records (ingest) implements it, so the dependency points one way only.
 */
public interface CustomerTimeline {

    /** One line of the timeline: an order (with its lines summarised) or a behaviour event. */
    record Entry(String kind, Instant at, String type, String title, Map<String, Object> detail) {}

    /** A page of the timeline. */
    record Page(List<Entry> entries, int page, int size, long total) {}

    Page page(long customerId, int page, int size);
}
