package io.rapport.journey;

import io.rapport.loyalty.Members;
import io.rapport.loyalty.Programme;
import io.rapport.scoring.ChurnReasonKind;
import io.rapport.scoring.CustomerScores;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Branch conditions on what other modules know of the customer now: the kind of their most telling churn reason
 * (scoring's current scores, {@link ChurnReasonKind}) and what the loyalty programme gives them
 * ({@code birthday-bonus}: a member, in a programme that multiplies birthday-month points), and the score the
 * customer gave in a survey the journey sent ({@link Surveys}).
 */
@Component
class CustomerFacts {

    private final CustomerScores scores;
    private final Members members;
    private final Programme programme;
    private final Surveys surveys;

    CustomerFacts(CustomerScores scores, Members members, Programme programme, Surveys surveys) {
        this.surveys = surveys;
        this.scores = scores;
        this.members = members;
        this.programme = programme;
    }

    /** Reads {@code {"churnReason": "interval"}} or {@code {"loyalty": "birthday-bonus"}}. */
    static Optional<JourneyDefinition.Condition> condition(JsonNode c, String path,
                                                           BiConsumer<String, String> problems) {
        if (c.has("churnReason")) {
            String kind = c.get("churnReason").asString("");
            if (!ChurnReasonKind.KINDS.contains(kind)) {
                problems.accept(path + ".churnReason", "unknown churn reason kind '" + kind + "'; known: "
                        + ChurnReasonKind.KINDS);
                return Optional.empty();
            }
            return Optional.of(new JourneyDefinition.Condition(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(kind), Optional.empty()));
        }
        String fact = c.path("loyalty").asString("");
        if (!JourneyDefinition.LOYALTY_FACTS.contains(fact)) {
            problems.accept(path + ".loyalty", "unknown loyalty condition '" + fact + "'; known: "
                    + JourneyDefinition.LOYALTY_FACTS);
            return Optional.empty();
        }
        return Optional.of(new JourneyDefinition.Condition(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(fact)));
    }

    /** Whether the condition is one of these facts (else the engine decides it from the instance). */
    static boolean about(JourneyDefinition.Condition condition) {
        return condition.churnReason().isPresent() || condition.loyalty().isPresent()
                || condition.survey().isPresent();
    }

    /**
     * Reads {@code {"survey": "<send step id>", "scoreAtLeast": 4}}: the customer's answer to the survey that step
     * sent in this instance was 4 or more.
     */
    static Optional<JourneyDefinition.Condition> surveyCondition(JsonNode c, String path,
                                                                 BiConsumer<String, String> problems) {
        String survey = c.path("survey").asString("");
        JsonNode atLeast = c.path("scoreAtLeast");
        if (survey.isBlank()) {
            problems.accept(path + ".survey", "name the send step whose {{survey.link}} asked");
        }
        if (!atLeast.isIntegralNumber() || atLeast.asInt() < Surveys.LOWEST || atLeast.asInt() > Surveys.HIGHEST) {
            problems.accept(path + ".scoreAtLeast", "a whole number from " + Surveys.LOWEST + " to "
                    + Surveys.HIGHEST + " is required");
            return Optional.empty();
        }
        return survey.isBlank() ? Optional.empty() : Optional.of(new JourneyDefinition.Condition(Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new JourneyDefinition.SurveyScore(survey, atLeast.asInt()))));
    }

    boolean holds(JourneyDefinition.Condition condition, long customerId, long instanceId) {
        if (condition.survey().isPresent()) {
            JourneyDefinition.SurveyScore wanted = condition.survey().get();
            return surveys.score(instanceId, wanted.survey()).filter(s -> s >= wanted.atLeast()).isPresent();
        }
        if (condition.churnReason().isPresent()) {
            // a customer without scores or reasons has no reason of any kind, "other" included
            return ChurnReasonKind.top(scores.current(customerId)).equals(condition.churnReason());
        }
        return members.find(customerId).isPresent()
                && programme.settings().birthdayMultiplier().compareTo(BigDecimal.ONE) > 0;
    }
}
