package io.rapport.privacy;

import static io.rapport.privacy.ConsentTables.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.customer.CustomerSegmentSource;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@link ConsentPolicy#allows} (the SQL condition segments use) selects exactly the customers
 * {@link ConsentPolicy#may} allows, on random ledgers: grants and withdrawals per purpose, on one channel or all,
 * at a handful of instants (so ties between a grant and a withdrawal happen), plus restriction, objection to
 * profiling and erasure.
 */
abstract class ConsentConditionsTests extends ServerTest {

    @Autowired
    ConsentLedger ledger;
    @Autowired
    ConsentPolicy consentPolicy;
    @Autowired
    DSLContext db;

    /** Imports {@code n} customers of this test and returns their ids in order. */
    List<Long> customers(int n) {
        StringBuilder csv = new StringBuilder(ConsentTests.CUSTOMERS);
        for (int i = 0; i < n; i++) {
            csv.append("K").append(i).append('-').append(source).append(",M").append(i).append(source)
                    .append(",Li Na,F,1990-01-01,").append(source).append(",c").append(i).append('.').append(source)
                    .append("@example.com,,2024-01-01T00:00:00Z,Asia/Shanghai\n");
        }
        importFile("customers", "native", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        Field<Long> id = CustomerSegmentSource.id();
        List<Long> ids = db.select(id).from(CustomerSegmentSource.profiles()).where(CustomerSegmentSource.city().eq(source))
                .orderBy(id).fetch(id);
        assertThat(ids).hasSize(n);
        return ids;
    }

    @Test
    void should_select_exactly_the_customers_the_contact_decision_allows_on_random_ledgers() {
        List<Long> ids = customers(40);
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Instant base = Instant.parse("2025-01-01T00:00:00Z");
        int events = 0;
        for (int round = 0; round < 2; round++) {
            for (long id : ids) {
                if (isErased(id)) {
                    continue;
                }
                int n = random.nextInt(round == 0 ? 7 : 3);
                for (int k = 0; k < n; k++) {
                    Purpose purpose = Purpose.values()[random.nextInt(Purpose.values().length)];
                    boolean wide = purpose == Purpose.PROFILING || purpose == Purpose.DATA_SHARING
                            || random.nextInt(3) == 0;
                    Optional<ContactChannel> channel = wide ? Optional.empty()
                            : Optional.of(ContactChannel.values()[random.nextInt(ContactChannel.values().length)]);
                    Instant at = base.plus(Duration.ofDays(random.nextInt(4)));
                    ledger.record(id, new ConsentLedger.Change(purpose, channel, "", random.nextBoolean(), at,
                            ConsentSource.API, Optional.empty(), Optional.empty()), "test");
                    events++;
                }
                int limit = random.nextInt(20);
                if (limit < 3) {
                    subject(id, limit == 0, limit == 1, limit == 2);
                }
            }
            assertAgreement(ids, seed, round);
        }
        assertThat(events).as("seed " + seed).isGreaterThan(40);
    }

    @Test
    void should_use_bind_values_only() {
        Condition condition = consentPolicy.allows(CustomerSegmentSource.id(), Purpose.MARKETING, ContactChannel.EMAIL);
        String sql = db.render(DSL.selectOne().where(condition));
        assertThat(sql).contains("?").doesNotContain("MARKETING").doesNotContain("EMAIL").doesNotContain("'ALL'");
    }

    private void assertAgreement(List<Long> ids, long seed, int round) {
        Field<Long> id = CustomerSegmentSource.id();
        int allowedSomewhere = 0;
        int deniedSomewhere = 0;
        for (Purpose purpose : Purpose.values()) {
            for (ContactChannel channel : ContactChannel.values()) {
                Map<Long, ContactDecision> decisions = consentPolicy.may(ids, purpose, channel);
                Set<Long> expected = decisions.entrySet().stream().filter(e -> e.getValue().allowed())
                        .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
                Set<Long> selected = new TreeSet<>(db.select(id).from(CustomerSegmentSource.profiles())
                        .where(id.in(ids)).and(consentPolicy.allows(id, purpose, channel)).fetch(id));
                assertThat(selected).as("seed %d round %d %s/%s; decisions %s", seed, round, purpose, channel,
                        decisions).isEqualTo(expected);
                Set<Long> notSelected = new TreeSet<>(db.select(id).from(CustomerSegmentSource.profiles())
                        .where(id.in(ids)).and(DSL.not(consentPolicy.allows(id, purpose, channel))).fetch(id));
                Set<Long> denied = new HashSet<>(ids);
                denied.removeAll(expected);
                assertThat(notSelected).as("seed %d round %d not %s/%s", seed, round, purpose, channel)
                        .isEqualTo(new TreeSet<>(denied));
                allowedSomewhere += expected.size();
                deniedSomewhere += denied.size();
            }
        }
        assertThat(allowedSomewhere).as("the random ledger allows someone (seed %d)", seed).isPositive();
        assertThat(deniedSomewhere).as("the random ledger denies someone (seed %d)", seed).isPositive();
    }

    private boolean isErased(long id) {
        return db.fetchExists(SUBJECT, S_CUSTOMER.eq(id).and(S_ERASED.isNotNull()));
    }

    /** A processing limit as the data-subject request flow stores it (the erasure itself is tested there). */
    private void subject(long id, boolean restricted, boolean profilingObjection, boolean erased) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (!db.fetchExists(SUBJECT, S_CUSTOMER.eq(id))) {
            db.insertInto(SUBJECT).set(S_CUSTOMER, id).set(S_RESTRICTED, false).set(S_PROFILING_OBJECTION, false)
                    .set(S_UPDATED, now).execute();
        }
        var update = db.update(SUBJECT).set(S_UPDATED, now);
        if (restricted) {
            update = update.set(S_RESTRICTED, true);
        }
        if (profilingObjection) {
            update = update.set(S_PROFILING_OBJECTION, true);
        }
        if (erased) {
            update = update.set(S_ERASED, now);
        }
        update.where(S_CUSTOMER.eq(id)).execute();
    }
}

@OnH2
class ConsentConditionsOnH2Test extends ConsentConditionsTests {}

@OnPostgres
class ConsentConditionsOnPostgresTest extends ConsentConditionsTests {}
