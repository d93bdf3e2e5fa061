package io.rapport.testing;

import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * The domain events (payload events) the server published during one test, from any thread, in order:
 * {@code @RegisterExtension final PublishedEvents published = new PublishedEvents();} then assert on it as a list.
 *
 * <p>Why not Spring's {@code @RecordApplicationEvents}: its {@code ApplicationEvents} keeps the events of the test's own
 * thread only (spring-test's {@code ApplicationEventsHolder} is a plain {@code ThreadLocal}, and its listener drops
 * events published where none is registered). A {@link ServerTest} drives the server over HTTP and through import
 * jobs, so its events are published on the server's request and job threads, which that would miss. This listener
 * is added to the context's multicaster before each test and removed after it.
 */
public final class PublishedEvents extends AbstractList<Object> implements BeforeEachCallback, AfterEachCallback {

    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final ApplicationListener<PayloadApplicationEvent<?>> recorder = e -> events.add(e.getPayload());
    private ApplicationEventMulticaster multicaster;

    @Override
    public void beforeEach(ExtensionContext context) {
        events.clear();
        multicaster = SpringExtension.getApplicationContext(context).getBean(ApplicationEventMulticaster.class);
        multicaster.addApplicationListener(recorder);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (multicaster != null) {
            multicaster.removeApplicationListener(recorder);
        }
    }

    /** The events of this type, in the order they were published. */
    public <T> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public java.util.Iterator<Object> iterator() {
        return events.iterator();
    }

    @Override
    public java.util.Spliterator<Object> spliterator() {
        return events.spliterator();
    }

    @Override
    public Object get(int index) {
        return events.get(index);
    }

    @Override
    public int size() {
        return events.size();
    }

    @Override
    public void clear() {
        events.clear();
    }
}
