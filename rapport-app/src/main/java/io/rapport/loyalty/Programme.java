package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.platform.RapportProperties;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.ObjectMapper;

/** The programme's settings: stored as one JSON row, read often (kept in memory), changed rarely. */
@Service
public class Programme {

    private final DSLContext db;
    private final ObjectMapper json;
    private final Clock clock;
    private final RapportProperties properties;
    private final AtomicReference<ProgrammeSettings> current = new AtomicReference<>();

    Programme(DSLContext db, ObjectMapper json, Clock clock, RapportProperties properties) {
        this.db = db;
        this.json = json;
        this.clock = clock;
        this.properties = properties;
    }

    public ProgrammeSettings settings() {
        ProgrammeSettings settings = current.get();
        if (settings == null) {
            settings = db.select(PG_SETTINGS).from(PROGRAMME).where(PG_ID.eq(1)).fetchOptional(PG_SETTINGS)
                    .map(text -> json.readValue(text, ProgrammeSettings.class))
                    .orElseGet(ProgrammeSettings::defaults);
            current.set(settings);
        }
        return settings;
    }

    /** Validates and stores new settings (400 naming the field when they cannot work). */
    @Transactional
    public ProgrammeSettings update(ProgrammeSettings settings, String by) {
        ProgrammeSettings valid = settings.validated();
        String text = json.writeValueAsString(valid);
        OffsetDateTime now = OffsetDateTime.now(clock);
        int updated = db.update(PROGRAMME).set(PG_SETTINGS, text).set(PG_BY, by).set(PG_AT, now)
                .where(PG_ID.eq(1)).execute();
        if (updated == 0) {
            db.insertInto(PROGRAMME, PG_ID, PG_SETTINGS, PG_BY, PG_AT).values(1, text, by, now).execute();
        }
        current.set(valid);
        return valid;
    }

    /** The brand's time zone: members without one of their own live in it. */
    public ZoneId brandZone() {
        return properties.timeZone();
    }

    public String currency() {
        return properties.currency().getCurrencyCode();
    }
}
