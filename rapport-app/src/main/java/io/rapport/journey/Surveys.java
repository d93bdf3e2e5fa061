package io.rapport.journey;

import static io.rapport.journey.JourneyTables.INSTANCE;
import static io.rapport.journey.JourneyTables.I_CUSTOMER;
import static io.rapport.journey.JourneyTables.I_ID;
import static io.rapport.journey.JourneyTables.I_JOURNEY;
import static io.rapport.journey.JourneyTables.JOURNEY;
import static io.rapport.journey.JourneyTables.J_CODE;
import static io.rapport.journey.JourneyTables.J_ID;
import static io.rapport.platform.Tables.table;
import static io.rapport.platform.Tables.field;

import io.rapport.customer.CustomerDirectory;
import io.rapport.ingest.CustomerEvents;
import io.rapport.platform.LinkSigner;
import io.rapport.platform.RapportException;
import io.rapport.privacy.PrivacyProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Satisfaction surveys a journey sends: a send step's {@code {{survey.link}}} is a signed link naming the customer,
 * the journey instance and the survey (the send step's id), so nobody can answer for someone else; the answer — a
 * CSAT score from 1 to 5 — is stored once per instance and survey and posted as a {@code survey_answered} event
 * ({@code survey}, {@code score}, {@code journey}) into the ordinary event pipeline, where a journey waiting for it
 * moves on. The first answer is final: the same score again is accepted as a repeat (a double click), another one is
 * refused with 409 {@code survey-already-answered}.
 */
@Service
public class Surveys {

    /** The event an answer posts. */
    public static final String ANSWERED = "survey_answered";
    static final int LOWEST = 1;
    static final int HIGHEST = 5;

    static final Table<?> ANSWER = table("journey_survey_answer");
    private static final Field<Long> A_INSTANCE = field("journey_survey_answer", "instance_id", Long.class);
    private static final Field<String> A_SURVEY = field("journey_survey_answer", "survey", String.class);
    static final Field<Long> A_CUSTOMER = field("journey_survey_answer", "customer_id", Long.class);
    private static final Field<Integer> A_SCORE = field("journey_survey_answer", "score", Integer.class);
    private static final Field<OffsetDateTime> A_AT = field("journey_survey_answer", "answered_at",
            OffsetDateTime.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final DSLContext db;
    private final Clock clock;
    private final SurveyProperties settings;
    private final PrivacyProperties privacy;
    private final CustomerEvents events;
    private final LinkSigner signer;
    private final CustomerDirectory directory;

    Surveys(DSLContext db, Clock clock, SurveyProperties settings, PrivacyProperties privacy, CustomerEvents events,
            org.springframework.transaction.PlatformTransactionManager transactions, CustomerDirectory directory) {
        this.directory = directory;
        this.signer = new LinkSigner(db, clock, transactions, "journey_secret", "survey-hmac", settings::secret,
                "rapport.journey.survey.secret");
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.privacy = privacy;
        this.events = events;
    }

    /** Who may answer what, as a valid link says. */
    public record Invitation(long customerId, long instanceId, String survey, Instant expiresAt) {}

    /** What the answer page shows: the invitation and the score already given, if any. */
    public record State(Invitation invitation, Optional<Integer> score) {}

    /** The link for a customer's instance and survey, valid for {@code rapport.journey.survey.ttl}. */
    String link(long customerId, long instanceId, String survey) {
        Instant expires = clock.instant().plus(settings.ttl()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String payload = "1|" + customerId + "|" + instanceId + "|" + survey + "|" + expires.getEpochSecond();
        String token = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(
                sign(payload));
        String base = privacy.unsubscribe().baseUrl();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/survey/" + token;
    }

    /** A link's invitation: 400 {@code invalid-survey-link} when altered or not made here, 410 when expired. */
    public Invitation verify(String token) {
        RapportException invalid = new RapportException(HttpStatus.BAD_REQUEST, "invalid-survey-link",
                "This survey link is not valid: it was changed or not issued by this server");
        int dot = token == null ? -1 : token.indexOf('.');
        if (token == null || token.length() > 500 || dot <= 0 || dot != token.lastIndexOf('.')) {
            throw invalid;
        }
        String payload;
        try {
            payload = new String(B64D.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(sign(payload), B64D.decode(token.substring(dot + 1)))) {
                throw invalid;
            }
        } catch (IllegalArgumentException e) {
            throw invalid;
        }
        String[] parts = payload.split("\\|");
        Invitation invitation;
        try {
            if (parts.length != 5 || !parts[0].equals("1")) {
                throw invalid;
            }
            invitation = new Invitation(Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3],
                    Instant.ofEpochSecond(Long.parseLong(parts[4])));
        } catch (NumberFormatException e) {
            throw invalid;
        }
        if (!clock.instant().isBefore(invitation.expiresAt())) {
            throw new RapportException(HttpStatus.GONE, "survey-link-expired",
                    "This survey closed on " + invitation.expiresAt()).with("expiredAt",
                    invitation.expiresAt().toString());
        }
        return invitation;
    }

    /** The invitation of a link and the score already given. */
    @Transactional(readOnly = true)
    public State state(String token) {
        Invitation invitation = verify(token);
        return new State(invitation, score(invitation.instanceId(), invitation.survey()));
    }

    /**
     * Records the answer and posts {@code survey_answered} in the same transaction, so a journey waiting for it moves
     * on with it. 400 {@code invalid-score} outside 1–5; the same score again changes nothing; another score after
     * the first is 409 {@code survey-already-answered}.
     */
    @Transactional
    public State answer(String token, int score) {
        Invitation invitation = verify(token);
        if (score < LOWEST || score > HIGHEST) {
            throw RapportException.badRequest("invalid-score", "score",
                    "A score is a whole number from " + LOWEST + " to " + HIGHEST);
        }
        // the instance row serialises two answers to the same link (a double click on two devices)
        var instance = db.select(I_CUSTOMER, I_JOURNEY).from(INSTANCE).where(I_ID.eq(invitation.instanceId()))
                .forUpdate().fetchOne();
        // a link sent before a merge names the merged-away profile, whose instances moved to the survivor: the
        // answer is the survivor's
        long customerId = instance == null ? invitation.customerId() : instance.get(I_CUSTOMER);
        if (instance == null || (customerId != invitation.customerId()
                && directory.current(invitation.customerId()).filter(c -> c == customerId).isEmpty())) {
            throw RapportException.notFound("survey", invitation.survey());
        }
        String journey = db.select(J_CODE).from(JOURNEY).where(J_ID.eq(instance.get(I_JOURNEY))).fetchOne(J_CODE);
        Optional<Integer> given = score(invitation.instanceId(), invitation.survey());
        if (given.isPresent()) {
            if (given.get() != score) {
                throw new RapportException(HttpStatus.CONFLICT, "survey-already-answered",
                        "This survey was answered already (" + given.get() + "); the first answer counts")
                        .with("score", given.get());
            }
            return new State(invitation, given);
        }
        Instant now = clock.instant();
        db.insertInto(ANSWER).set(A_INSTANCE, invitation.instanceId()).set(A_SURVEY, invitation.survey())
                .set(A_CUSTOMER, customerId).set(A_SCORE, score)
                .set(A_AT, now.atOffset(ZoneOffset.UTC)).execute();
        events.record(customerId, "survey", "survey:" + invitation.instanceId() + ":"
                + invitation.survey(), ANSWERED, now, Map.of("survey", invitation.survey(),
                "score", Integer.toString(score), "journey", journey));
        return new State(invitation, Optional.of(score));
    }

    /** The score given in an instance's survey. */
    Optional<Integer> score(long instanceId, String survey) {
        return db.select(A_SCORE).from(ANSWER).where(A_INSTANCE.eq(instanceId)).and(A_SURVEY.eq(survey))
                .fetchOptional(A_SCORE);
    }

    private byte[] sign(String payload) {
        return signer.sign(payload);
    }
}
