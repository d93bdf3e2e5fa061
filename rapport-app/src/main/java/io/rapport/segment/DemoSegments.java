package io.rapport.segment;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportProperties;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * On the demo profile, the example audiences of docs/segments.md are saved once the demo data is imported (the demo
 * loader runs at order 10), so the demo starts with them as dynamic segments. Saving again skips those already saved.
 */
@Component
class DemoSegments {

    private static final Logger log = LoggerFactory.getLogger(DemoSegments.class);

    private final RapportProperties properties;
    private final Segments segments;

    DemoSegments(RapportProperties properties, Segments segments) {
        this.properties = properties;
        this.segments = segments;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(15)
    void onDemo() throws IOException {
        if (properties.demo().enabled()) {
            for (Segments.View saved : segments.saveExamples(Actor.SYSTEM)) {
                log.info("Demo: example segment '{}' saved, {} members", saved.name(), saved.size());
            }
        }
    }
}
