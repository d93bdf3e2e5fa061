package io.rapport.ingest;

import static io.rapport.testing.Waiting.await;
import static io.rapport.testing.Waiting.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.platform.GroupCommits;
import io.rapport.platform.RapportProperties;
import io.rapport.testing.Http;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Calls of the event API that arrive while the committers are busy are stored in one commit ({@link GroupCommits}),
 * and each call still gets exactly the answer it would have got alone; a batch that fails is written call by call,
 * so only the failing call fails. PostgreSQL, where row locks held by other transactions keep the committers busy on
 * purpose and a trigger can refuse one call's event.
 */
@OnPostgres
class EventCommitsOnPostgresTest extends ServerTest {

    static final String EVENTS = "/api/v1/events";

    @Autowired
    ChunkWriter writer;
    @Autowired
    RapportProperties properties;
    @Autowired
    TransactionTemplate transaction;

    @Test
    void should_commit_calls_that_arrive_together_at_once_each_with_its_own_outcomes() throws Exception {
        customers(6);
        GroupCommits.Activity before = writer.eventActivity();
        long failedBefore = writer.failedEventBatches();
        List<Object> calls = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            calls.add(List.of(event("e" + c + "-a", "G" + c), event("e" + c + "-b", "G" + c)));
        }
        // the last call repeats the second call's first event: stored for the second call, a duplicate for the last
        calls.add(List.of(event("e1-a", "G1"), event("e6-a", "G5"), Map.of("external_id", "bad")));

        List<Http.Response> answers = whileCommittersAreBusy(calls);
        int committers = properties.ingest().eventCommitters();

        for (int c = 0; c < 6; c++) {
            assertThat(answers.get(c).status()).as(answers.get(c).body()).isEqualTo(200);
            assertThat(counts(answers.get(c).json())).as("call %d", c).containsExactly(2, 0, 0, 0);
        }
        JsonNode last = answers.get(6).json();
        assertThat(answers.get(6).status()).isEqualTo(207);
        assertThat(counts(last)).containsExactly(1, 0, 1, 1);
        assertThat(last.get("items").get(0).get("status").asString()).isEqualTo("duplicate");
        assertThat(last.get("items").get(1).get("status").asString()).isEqualTo("accepted");
        assertThat(last.get("items").get(2).get("status").asString()).isEqualTo("rejected");
        assertThat(stored()).as("every accepted event stored once").hasSize(13);
        assertThat(writer.eventActivity().batchesRun() - before.batchesRun())
                .as("the held calls' batches and one batch for all the queued calls").isEqualTo(committers + 1);

        assertThat(writer.failedEventBatches()).as("no batch fell back to writing its calls alone")
                .isEqualTo(failedBefore);
    }

    @Test
    void should_write_each_call_of_a_failed_batch_alone_so_only_the_failing_call_fails() throws Exception {
        customers(3);
        String refused = "refused-" + source;
        // a database that refuses one call's event (as a constraint or trigger of the brand's DBA would)
        db.execute("""
                create or replace function refuse_event() returns trigger language plpgsql as $$
                begin
                  if new.external_id = '%s' then raise exception 'event refused'; end if;
                  return new;
                end $$""".formatted(refused));
        db.execute("create trigger refuse_event before insert on ingest_event for each row execute function "
                + "refuse_event()");
        try {
            long failedBefore = writer.failedEventBatches();
            List<Http.Response> answers = whileCommittersAreBusy(List.of(
                    List.of(event("g0", "G0")),
                    List.of(event("beside-refused", "G1"), event(refused, "G1")),
                    List.of(event("g2", "G2"))));

            assertThat(answers.get(0).status()).as(answers.get(0).body()).isEqualTo(200);
            assertThat(answers.get(2).status()).as(answers.get(2).body()).isEqualTo(200);
            assertThat(answers.get(1).status()).as("the refused call fails").isEqualTo(500);
            assertThat(stored()).as("nothing of the refused call stored, the others' events stored")
                    .containsExactlyInAnyOrder("g0", "g2");
            assertThat(writer.failedEventBatches() - failedBefore)
                    .as("the three calls failed together once, then were written alone").isEqualTo(1);
        } finally {
            db.execute("drop trigger refuse_event on ingest_event");
            db.execute("drop function refuse_event()");
        }
    }

    /**
     * Keeps every committer busy with a call for a customer whose summary row another transaction holds, posts the
     * calls one after another (each queued before the next is posted, so they queue in order), then lets the first
     * committer go while the others stay held: it takes every queued call, in one batch. Answers the calls' responses
     * in order.
     */
    List<Http.Response> whileCommittersAreBusy(List<Object> calls) throws Exception {
        int committers = properties.ingest().eventCommitters();
        Http client = admin();
        try (ExecutorService pool = Executors.newCachedThreadPool()) {
            List<CountDownLatch> releases = new ArrayList<>();
            List<Future<?>> holders = new ArrayList<>();
            for (int c = 0; c < committers; c++) {
                long held = customerByEmail("h" + c + "-" + source + "@example.com");
                CountDownLatch locked = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                releases.add(release);
                holders.add(pool.submit(() -> transaction.executeWithoutResult(status -> {
                    db.execute("select 1 from customer_summary where customer_id = ? for update", held);
                    locked.countDown();
                    await(release);
                })));
                locked.await();
            }
            List<Future<Http.Response>> blocked = new ArrayList<>();
            GroupCommits.Activity start = writer.eventActivity();
            for (int c = 0; c < committers; c++) {
                Object held = List.of(event("held-" + c, "H" + c));
                blocked.add(pool.submit(() -> client.postJson(EVENTS, held)));
                int busy = c + 1;
                waitFor(() -> writer.eventActivity().batches() == busy && writer.eventActivity().queued() == 0,
                        "committer " + busy + " never took a held call");
            }
            List<Future<Http.Response>> submitted = new ArrayList<>();
            for (Object call : calls) {
                submitted.add(pool.submit(() -> client.postJson(EVENTS, call)));
                int queued = submitted.size();
                waitFor(() -> writer.eventActivity().queued() == queued, "call " + queued + " never queued");
            }
            assertThat(writer.eventActivity().batchesRun()).as("nothing else taken while the committers are held")
                    .isEqualTo(start.batchesRun() + committers);
            releases.getFirst().countDown();
            holders.getFirst().get();
            List<Http.Response> answers = new ArrayList<>();
            for (Future<Http.Response> call : submitted) {
                answers.add(call.get());
            }
            releases.forEach(CountDownLatch::countDown);
            for (Future<?> holder : holders) {
                holder.get();
            }
            for (Future<Http.Response> call : blocked) {
                assertThat(call.get().status()).isEqualTo(200);
            }
            return answers;
        }
    }

    long customerByEmail(String email) {
        return db.fetchValue("select customer_id from customer_identity where kind = 'EMAIL' and id_value = ?",
                email) instanceof Number id ? id.longValue() : -1;
    }

    Map<String, Object> event(String externalId, String customer) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("external_id", externalId);
        event.put("type", "product_view");
        event.put("occurred_at", "2025-03-01T10:15:00Z");
        event.put("source", source);
        if (customer != null) {
            event.put("customer_id", customer);
        }
        return event;
    }

    /** Customers G0… for the calls and H0… (one per committer) for the held calls. */
    void customers(int count) {
        StringBuilder csv = new StringBuilder("customer_id,name,email\n");
        for (int i = 0; i < count; i++) {
            csv.append('G').append(i).append(",Group ").append(i).append(",g").append(i).append('-').append(source)
                    .append("@example.com\n");
        }
        for (int i = 0; i < properties.ingest().eventCommitters(); i++) {
            csv.append('H').append(i).append(",Held ").append(i).append(",h").append(i).append('-').append(source)
                    .append("@example.com\n");
        }
        assertThat(importFile("customers", "native", "g.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
                .status()).isLessThan(300);
    }

    List<String> stored() {
        return db.fetch("select external_id from ingest_event where source = ? and external_id not like 'held-%'",
                source).getValues(0, String.class);
    }

    static List<Integer> counts(JsonNode body) {
        return List.of(body.get("accepted").asInt(), body.get("anonymous").asInt(), body.get("duplicates").asInt(),
                body.get("rejected").asInt());
    }
}
