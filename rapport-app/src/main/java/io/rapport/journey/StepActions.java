package io.rapport.journey;

import io.rapport.loyalty.Points;
import io.rapport.loyalty.Rewards;
import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import io.rapport.segment.Tags;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Steps that act in other capabilities through their public APIs: points and coupons (loyalty), manual tags
 * (segment). Each runs inside a savepoint of the journey's transaction: when the other module refuses (not a
 * member, out of stock, a tag deleted since the journey was saved) its writes are rolled back to the savepoint,
 * the refusal becomes the step's outcome, and the journey's own transaction (the stored event, the timer, the
 * other steps) commits as if the step had simply had nothing to do.
 */
@Component
class StepActions {

    private static final Logger log = LoggerFactory.getLogger(StepActions.class);
    /** The loyalty ledger's source of every journey grant. */
    static final String SOURCE = "journey";
    /** The coupon variables of an instance whose latest coupon step was refused: empty, so they count as missing. */
    private static final Map<String, String> COUPON_CLEARED = Map.of("coupon.code", "", "coupon.expires", "",
            "coupon.reward", "");

    private final Points points;
    private final Rewards rewards;
    private final Tags tags;
    private final TransactionTemplate savepoint;
    private final io.rapport.platform.RapportProperties rapport;

    StepActions(Points points, Rewards rewards, Tags tags, PlatformTransactionManager transactions,
                io.rapport.platform.RapportProperties rapport) {
        this.rapport = rapport;
        this.points = points;
        this.rewards = rewards;
        this.tags = tags;
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /**
     * Where a step acts: the instance, the visit ({@code seq}: the step sequence, which only a wait moves on, so
     * a step passed again after a wait is a new visit) and the step.
     */
    record Visit(String journey, long journeyId, long instanceId, int seq, long customerId, String step) {

        /**
         * The loyalty idempotency key of this visit: a re-run of the same visit (a timer that fired twice, an
         * advance retried after a crash) finds the first grant and grants nothing.
         */
        String key() {
            return "journey:" + journeyId + ":i" + instanceId + ":s" + seq + ":" + step;
        }

        Actor actor() {
            return new Actor("journey:" + journey, false);
        }
    }

    /**
     * What a grant did: the step's outcome, and for an issued coupon the journey variables later steps may use
     * ({@code coupon.code}, {@code coupon.expires}: the expiry day in the brand's time zone, {@code coupon.reward});
     * for a refused coupon the same names, empty.
     */
    record Granted(String outcome, Map<String, String> variables) {}

    /**
     * A coupon step that issued nothing because the message after it would be suppressed ({@code reason}): skipped,
     * with the coupon variables cleared like a refused coupon's.
     */
    static Granted notIssued(String reason) {
        return new Granted("skipped:" + reason, COUPON_CLEARED);
    }

    /** Grants points or issues a coupon. */
    Granted grant(Visit visit, JourneyDefinition.Grant grant) {
        Map<String, String> variables = new LinkedHashMap<>();
        String outcome = refusable(visit, () -> switch (grant) {
            case JourneyDefinition.PointsGrant p -> {
                Points.Movement m = points.grant(visit.customerId(), p.points(), SOURCE, visit.key());
                yield "points " + p.points() + (m.replayed() ? " already granted" : " granted");
            }
            case JourneyDefinition.CouponGrant c -> {
                Rewards.Redemption r = rewards.issue(visit.customerId(), c.reward(), visit.key());
                variables.put("coupon.code", r.coupon().code());
                variables.put("coupon.expires", r.coupon().expiresAt().atZoneSameInstant(rapport.timeZone())
                        .toLocalDate().toString());
                variables.put("coupon.reward", c.reward());
                yield "coupon " + c.reward() + " " + r.coupon().code() + (r.replayed() ? " already issued" : " issued");
            }
        });
        if (outcome.startsWith("refused:")) {
            // a refused coupon clears the last one: a later message must not quote an earlier step's coupon as
            // this step's (the rescue's 25 % offer with the 15 % code) but take its own fallback
            return new Granted(outcome, grant instanceof JourneyDefinition.CouponGrant ? COUPON_CLEARED : Map.of());
        }
        return new Granted(outcome, Map.copyOf(variables));
    }

    /** Sets ({@code remove} false) or removes a manual tag as the journey, so tag history names the journey. */
    String tag(Visit visit, String tag, boolean remove) {
        String reason = "journey " + visit.journey() + " step " + visit.step();
        return refusable(visit, () -> {
            if (remove) {
                tags.remove(visit.customerId(), tag, reason, visit.actor());
                return "untag " + tag;
            }
            tags.set(visit.customerId(), tag, "", reason, visit.actor());
            return "tag " + tag;
        });
    }

    private String refusable(Visit visit, Supplier<String> action) {
        try {
            return savepoint.execute(status -> action.get());
        } catch (RapportException refused) {
            log.info("Journey {} step {}: customer {}: {}", visit.journey(), visit.step(), visit.customerId(),
                    refused.getMessage());
            return "refused:" + refused.code();
        }
    }
}
