package io.rapport.ingest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps every {@link OrderLinesStored} and {@link EventsStored} line the server publishes during the tests (the
 * application's component scan finds it on the test class path), so a test can count what listeners would see
 * for the source it wrote under.
 */
@Component
class StoredRecordsRecorder {

    final List<OrderLinesStored.Line> lines = new CopyOnWriteArrayList<>();
    final List<EventsStored.Event> events = new CopyOnWriteArrayList<>();

    @EventListener
    void on(OrderLinesStored stored) {
        lines.addAll(stored.lines());
    }

    @EventListener
    void on(EventsStored stored) {
        events.addAll(stored.events());
    }

    List<OrderLinesStored.Line> lines(String source) {
        return lines.stream().filter(l -> l.source().equals(source)).toList();
    }

    List<EventsStored.Event> events(String source) {
        return events.stream().filter(e -> e.source().equals(source)).toList();
    }
}
