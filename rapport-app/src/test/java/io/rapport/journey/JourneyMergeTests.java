package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.customer.CustomerDirectory;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.Record4;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two profiles found to be one person: the merged profile's journey instances and survey answers belong to the
 * survivor; where both were inside the same journey the earlier entry goes on.
 */
abstract class JourneyMergeTests extends JourneyTestBase {

    @Autowired
    CustomerDirectory directory;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    Surveys surveys;

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z"));
    }

    /** A journey that waits a day and then sends a service message. */
    String waitThenSend(String name) {
        template(source + "-hello", "service", List.of(), "你好。");
        String code = source + "-" + name;
        saveJourney(code, """
            {"name": "%s", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [{"id": "day", "type": "wait", "duration": "P1D"},
                       {"id": "hello", "type": "send", "template": "%s"}]}
            """.formatted(name, source + "-hello"));
        journeys.setStatus(code, "active");
        return code;
    }

    Record4<Long, String, String, String> instance(long id) {
        return db.select(DSL.field("customer_id", Long.class), DSL.field("status", String.class),
                        DSL.field("exit_reason", String.class), DSL.field("entry_key", String.class))
                .from("journey_instance").where(DSL.field("id").eq(id)).fetchOne();
    }

    void merge(long survivor, long merged) {
        transactions.executeWithoutResult(s -> directory.merge(survivor, merged, "same phone"));
    }

    @Test
    void should_move_the_merged_profiles_journeys_to_the_survivor_and_keep_the_earlier_entry_where_both_are_inside() {
        long survivor = importedCustomer("stays");
        long merged = importedCustomer("goes");
        String both = waitThenSend("both");
        String only = waitThenSend("only");
        long earlier = enrolByApi(both, merged, "1");
        clock.advance(Duration.ofHours(1));
        long later = enrolByApi(both, survivor, "1");
        long moved = enrolByApi(only, merged, "1");

        merge(survivor, merged);

        assertThat(instance(earlier).value1()).isEqualTo(survivor);
        assertThat(instance(earlier).value2()).isEqualTo("active");
        assertThat(instance(earlier).value4()).as("the same entry key as the survivor's, kept apart")
                .isEqualTo(instance(later).value4() + "~merged:" + merged);
        assertThat(instance(later).value2()).isEqualTo("exited");
        assertThat(instance(later).value3()).isEqualTo("merged");
        assertThat(instance(moved).value1()).isEqualTo(survivor);
        assertThat(instance(moved).value2()).isEqualTo("active");
        assertThat(db.fetchCount(DSL.table("journey_instance"), DSL.field("customer_id").eq(merged))).isZero();

        advance(Duration.ofDays(1), () -> stepsTaken(earlier).contains("hello") && stepsTaken(moved).contains("hello"));
        assertThat(stepsTaken(later)).as("the ended entry's timer does nothing").doesNotContain("hello");
        for (String code : List.of(both, only)) {
            var sent = outbox.list(Optional.empty(), Optional.of("journey:" + code + ":"), 10);
            assertThat(sent).as("one message of " + code).hasSize(1);
            assertThat(sent.getFirst().customerId()).isEqualTo(survivor);
        }
    }

    @Test
    void should_record_survey_answers_for_the_survivor_also_to_a_link_sent_before_the_merge() throws Exception {
        template(source + "-ask", "service", List.of("survey_url"), "请评分：{{survey_url}}");
        String code = source + "-survey";
        saveJourney(code, """
            {"name": "survey", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [{"id": "ask", "type": "send", "template": "%s", "variables": {"survey_url": "{{survey.link}}"}},
                       {"id": "hold", "type": "wait", "duration": "P30D"}]}
            """.formatted(source + "-ask"));
        journeys.setStatus(code, "active");
        long firstSurvivor = importedCustomer("s1");
        long answeredBefore = importedCustomer("m1");
        long secondSurvivor = importedCustomer("s2");
        long answeredAfter = importedCustomer("m2");
        String before = path(surveys.link(answeredBefore, enrolByApi(code, answeredBefore, "1"), "ask"));
        String after = path(surveys.link(answeredAfter, enrolByApi(code, answeredAfter, "1"), "ask"));

        assertThat(answer(before, "4").statusCode()).isEqualTo(200);
        merge(firstSurvivor, answeredBefore);
        merge(secondSurvivor, answeredAfter);
        var late = answer(after, "5");
        assertThat(late.statusCode()).as(late.body()).isEqualTo(200);

        assertThat(answerOf(firstSurvivor)).containsExactly(4);
        assertThat(answerOf(secondSurvivor)).containsExactly(5);
        assertThat(answerOf(answeredBefore)).isEmpty();
        assertThat(answerOf(answeredAfter)).isEmpty();
        assertThat(db.fetchCount(DSL.table("ingest_event"), DSL.field("type").eq("survey_answered")
                .and(DSL.field("customer_id").eq(secondSurvivor)))).as("the event is the survivor's").isOne();
    }

    List<Integer> answerOf(long customerId) {
        return db.select(DSL.field("score", Integer.class)).from("journey_survey_answer")
                .where(DSL.field("customer_id").eq(customerId)).fetch().getValues(0, Integer.class);
    }

    static String path(String link) {
        return link.substring(link.indexOf("/survey/"));
    }
}

@OnH2
class JourneyMergeOnH2Test extends JourneyMergeTests {}

@OnPostgres
class JourneyMergeOnPostgresTest extends JourneyMergeTests {}
