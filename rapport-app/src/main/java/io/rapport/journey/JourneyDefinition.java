package io.rapport.journey;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A journey as written (JSON): who enters (trigger, re-entry, holdout), what counts as success (goal), when a
 * customer leaves early (exitOn), and the steps. Steps run in list order unless a step names its {@code next};
 * parsing and validation live in {@link JourneyDefinitions}.
 */
public record JourneyDefinition(String name, Trigger trigger, Reentry reentry, int holdoutPercent,
                                List<String> exitOn, Optional<Goal> goal, List<Step> steps) {

    /** Event types that are not behaviour events but purchases ({@code OrderLinesStored} sale lines). */
    public static final String ORDER = "order";

    /**
     * {@code event}: an event of a type (with property filter) enrols. {@code absence}: an event enrols when
     * {@code missing} does not follow within {@code within}. {@code date}: a profile date ({@code birthday})
     * shifted by {@code offsetDays} enrols at {@code at} local time. {@code manual}: only the API enrols.
     * {@code score}: a scoring run's change of the customer's scores enrols ({@code score}). {@code count}: the
     * {@code event} (with filter) happening more than {@code count.moreThan} times within {@code within} (whole days
     * in the brand's time zone, from the segment module's behaviour counters) enrols once, when the count crosses it.
     * {@code segment}: the customer entering (or leaving) a segment enrols ({@code segment}).
     */
    public record Trigger(String type, Optional<String> event, Map<String, String> filter, Optional<String> missing,
                          Optional<Duration> within, Optional<String> dateField, int offsetDays, LocalTime at,
                          Optional<ScoreChange> score, Optional<CountThreshold> count,
                          Optional<SegmentChange> segment, Optional<Integer> everyMonths) {

        public Trigger(String type, Optional<String> event, Map<String, String> filter, Optional<String> missing,
                       Optional<Duration> within, Optional<String> dateField, int offsetDays, LocalTime at) {
            this(type, event, filter, missing, within, dateField, offsetDays, at, Optional.empty(), Optional.empty());
        }

        public Trigger(String type, Optional<String> event, Map<String, String> filter, Optional<String> missing,
                       Optional<Duration> within, Optional<String> dateField, int offsetDays, LocalTime at,
                       Optional<ScoreChange> score, Optional<CountThreshold> count) {
            this(type, event, filter, missing, within, dateField, offsetDays, at, score, count, Optional.empty(),
                    Optional.empty());
        }
    }

    /**
     * A segment change that enrols: the customer entering ({@code on = entry}) or leaving ({@code on = exit}) the
     * segment {@code segmentId} (written in the definition as the segment's id or name).
     */
    public record SegmentChange(long segmentId, String on) {}

    /**
     * The {@code exitOn} entry of "the customer left segment {@code segmentId}" ({@code {"leftSegment": "VIP"}} in
     * the definition).
     */
    public static String leftSegment(long segmentId) {
        return "left-segment:" + segmentId;
    }

    /**
     * Date fields of a {@code date} trigger: the profile's {@code birthday}; {@code maintenance-due}, every service
     * interval of a bought durable product ({@code everyMonths} overriding the product's own) after its purchase;
     * {@code warranty-end}, the purchase day plus the product's warranty months.
     */
    public static final java.util.Set<String> DATE_FIELDS = java.util.Set.of("birthday", "maintenance-due",
            "warranty-end");

    /**
     * A count threshold: more than {@code moreThan} events, counted per SKU ({@code per = sku}: "the same product")
     * or all together ({@code per = all}).
     */
    public record CountThreshold(String per, int moreThan) {}

    /** Score changes a {@code score} trigger can wait for (names as written in the definition). */
    public static final java.util.Set<String> SCORE_CHANGES = java.util.Set.of("repurchase-probability-fell",
            "churn-risk-crossed", "lifecycle-stage");

    /**
     * A score change that enrols: {@code repurchase-probability-fell} (below the scoring threshold, default 20%),
     * {@code churn-risk-crossed} (to 0.5 or more), or {@code lifecycle-stage} becoming {@code to} (optionally only
     * {@code from} a given stage). Stage names are lower case ({@code dormant}).
     */
    public record ScoreChange(String change, Optional<String> to, Optional<String> from) {}

    /** {@code once} ever, {@code always} (each trigger), or once per {@code period}. */
    public record Reentry(String rule, Optional<Duration> period) {}

    /** A conversion: the customer does {@code event} within {@code within} of entering. */
    public record Goal(String event, Duration within) {}

    /** One weighted way out of a random split. */
    public record SplitBranch(int weight, String next) {}

    /**
     * A condition of a branch step: the customer did {@code event} since entering, or the message of step
     * {@code messageStep} reported {@code engagement} (opened, clicked, ...), or the customer's most telling churn
     * reason is of the kind {@code churnReason} (scoring's {@code ChurnReasonKind}), or the loyalty programme gives
     * them what {@code loyalty} names ({@code birthday-bonus}: a member, and birthday-month points multiplied).
     */
    public record Condition(Optional<String> event, Optional<String> messageStep, Optional<String> engagement,
                            Optional<String> churnReason, Optional<String> loyalty, Optional<SurveyScore> survey) {

        public Condition(Optional<String> event, Optional<String> messageStep, Optional<String> engagement) {
            this(event, messageStep, engagement, Optional.empty(), Optional.empty());
        }

        public Condition(Optional<String> event, Optional<String> messageStep, Optional<String> engagement,
                         Optional<String> churnReason, Optional<String> loyalty) {
            this(event, messageStep, engagement, churnReason, loyalty, Optional.empty());
        }
    }

    /**
     * A condition on the answer to the survey the send step {@code survey} sent in this journey instance: the score
     * was at least {@code atLeast} (no answer: the condition does not hold).
     */
    public record SurveyScore(String survey, int atLeast) {}

    /** What a {@code loyalty} condition may ask. */
    public static final java.util.Set<String> LOYALTY_FACTS = java.util.Set.of("birthday-bonus");

    /** What a {@code points} or {@code coupon} step gives, through the loyalty module. */
    public sealed interface Grant permits PointsGrant, CouponGrant {}

    /** {@code points} non-qualifying points (they do not count towards tiers). */
    public record PointsGrant(long points) implements Grant {}

    /** A coupon of the loyalty catalogue's reward {@code reward}, issued without spending points. */
    public record CouponGrant(String reward) implements Grant {}

    /**
     * A {@code task} step: a task of {@code kind} ({@code care-call}, {@code follow-up} ...) for the user
     * {@code assignee}, or else for anyone with {@code role}, due {@code due} after the step.
     */
    public record StaffTask(String kind, String title, Optional<String> assignee, Optional<String> role,
                            Duration due) {}

    /**
     * A step; which fields matter depends on {@code type}. A {@code wait} waits a {@code duration}; or
     * {@code until} a local time of day ({@code 09:30}, the customer's time zone) or {@code best-send-time}; or for
     * the {@code condition}'s event, going to {@code thenStep} when it comes and to {@code elseStep} when
     * {@code duration} (the timeout) passes first.
     */
    public record Step(String id, String type, Optional<String> next, Optional<Duration> duration,
                       Optional<String> template, Map<String, String> variables, Optional<Condition> condition,
                       Optional<String> thenStep, Optional<String> elseStep, List<SplitBranch> branches,
                       Optional<String> tag, Optional<Grant> grant, Optional<StaffTask> task, Optional<String> until,
                       Optional<TaskOutcome> taskOutcome, Optional<Webhook> webhook) {

        public Step(String id, String type, Optional<String> next, Optional<Duration> duration,
                    Optional<String> template, Map<String, String> variables, Optional<Condition> condition,
                    Optional<String> thenStep, Optional<String> elseStep, List<SplitBranch> branches,
                    Optional<String> tag, Optional<Grant> grant, Optional<StaffTask> task, Optional<String> until) {
            this(id, type, next, duration, template, variables, condition, thenStep, elseStep, branches, tag, grant,
                    task, until, Optional.empty(), Optional.empty());
        }
    }

    /**
     * A wait for the outcome of the staff task opened by the {@code task} step {@code taskStep}: an outcome that is
     * {@code outcome} (or starts with it as a word, {@code "reached: will buy"}) goes to the wait's {@code then},
     * any other outcome to its {@code else}, and the task's due time (or the wait's {@code timeout}, when given)
     * passing first to {@code onTimeout} (default: {@code else}).
     */
    public record TaskOutcome(String taskStep, String outcome, Optional<String> onTimeout) {

        /** Whether what staff wrote is this outcome: the same word(s), or starting with them followed by a non-letter. */
        public boolean matches(String written) {
            String text = written.strip().toLowerCase(java.util.Locale.ROOT);
            String wanted = outcome.toLowerCase(java.util.Locale.ROOT);
            return text.equals(wanted) || text.startsWith(wanted) && !Character.isLetterOrDigit(text.charAt(
                    wanted.length()));
        }
    }

    /**
     * A {@code webhook} step: a signed POST to the configured endpoint {@code endpoint}
     * ({@code rapport.channel.webhooks.<endpoint>}), through the outbox. {@code payload}: {@code id} (journey, step
     * and customer id only) or {@code masked} (with the customer's masked name, city and birthday). Asked for
     * consent for {@code purpose} on {@code consentChannel} when one is named (required for marketing).
     */
    public record Webhook(String endpoint, String payload, String purpose, Optional<String> consentChannel) {}

    /** The {@code until} of a wait for the customer's best send time. */
    public static final String BEST_SEND_TIME = "best-send-time";

    public Optional<Step> step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The step that follows {@code step} when it names none: the next in the list, or none (the end). */
    public Optional<String> following(Step step) {
        if (step.next().isPresent()) {
            return step.next();
        }
        int index = steps.indexOf(step);
        return index + 1 < steps.size() ? Optional.of(steps.get(index + 1).id()) : Optional.empty();
    }
}
