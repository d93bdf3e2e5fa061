package io.rapport.platform;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys for machine clients. A key reads {@code rk_<prefix>_<secret>}; only a SHA-256 hash of it is stored.
 * A fast hash is right here (unlike passwords): the secret has 192 random bits, so it cannot be guessed from
 * the hash, and every API call checks it.
 */
@Service
public class ApiKeys {

    static final Table<?> KEY = table("platform_api_key");
    static final Field<Long> ID = field("id", Long.class);
    static final Field<String> NAME = field("name", String.class);
    static final Field<String> PREFIX = field("key_prefix", String.class);
    static final Field<String> HASH = field("key_hash", String.class);
    static final Field<String> ROLES = field("roles", String.class);
    static final Field<Boolean> MAY_SEE_PII = field("may_see_pii", Boolean.class);
    static final Field<String> CREATED_BY = field("created_by", String.class);
    static final Field<OffsetDateTime> CREATED_AT = field("created_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> REVOKED_AT = field("revoked_at", OffsetDateTime.class);

    private final DSLContext db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ApiKeys(DSLContext db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A key as listed: never the secret. */
    public record ApiKeyView(long id, String name, String prefix, Set<Role> roles, boolean maySeePersonalData,
                             String createdBy, OffsetDateTime createdAt, OffsetDateTime revokedAt) {}

    /** The only time the full key is visible. */
    public record IssuedKey(ApiKeyView key, String secret) {}

    @Transactional
    public IssuedKey issue(String name, Set<Role> roles, boolean maySeePii, String createdBy) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw RapportException.badRequest("invalid-name", "name", "An API key needs a name of 1-100 characters");
        }
        if (roles.isEmpty()) {
            throw RapportException.badRequest("no-role", "roles", "An API key needs at least one role");
        }
        String prefix = HexFormat.of().formatHex(randomBytes(6));
        String secret = "rk_" + prefix + "_" + HexFormat.of().formatHex(randomBytes(24));
        OffsetDateTime now = OffsetDateTime.now(clock);
        Long id = db.insertInto(KEY)
                .set(NAME, name).set(PREFIX, prefix).set(HASH, sha256(secret))
                .set(ROLES, Role.format(roles)).set(MAY_SEE_PII, maySeePii)
                .set(CREATED_BY, createdBy).set(CREATED_AT, now)
                .returningResult(ID).fetchOne(ID);
        return new IssuedKey(new ApiKeyView(id, name, prefix, roles, maySeePii, createdBy, now, null), secret);
    }

    @Transactional
    public void revoke(long id) {
        int changed = db.update(KEY).set(REVOKED_AT, OffsetDateTime.now(clock))
                .where(ID.eq(id)).and(REVOKED_AT.isNull()).execute();
        if (changed == 0 && !db.fetchExists(KEY, ID.eq(id))) {
            throw RapportException.notFound("api-key", id);
        }
    }

    public List<ApiKeyView> list() {
        return db.select(ID, NAME, PREFIX, ROLES, MAY_SEE_PII, CREATED_BY, CREATED_AT, REVOKED_AT).from(KEY)
                .orderBy(ID).fetch(this::view);
    }

    /** The authentication a presented key stands for, if it is well-formed, known and not revoked. */
    public Optional<Authentication> authenticate(String presented) {
        if (presented == null || !presented.matches("rk_[0-9a-f]{12}_[0-9a-f]{48}")) {
            return Optional.empty();
        }
        String prefix = presented.substring(3, 15);
        Record row = db.select(ID, NAME, PREFIX, ROLES, MAY_SEE_PII, CREATED_BY, CREATED_AT, REVOKED_AT, HASH)
                .from(KEY).where(PREFIX.eq(prefix)).fetchOne();
        if (row == null || row.get(REVOKED_AT) != null
                || !MessageDigest.isEqual(row.get(HASH).getBytes(StandardCharsets.US_ASCII),
                        sha256(presented).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        ApiKeyView key = view(row);
        return Optional.of(UsernamePasswordAuthenticationToken.authenticated("api-key:" + key.name(), null,
                PlatformUsers.authorities(key.roles(), key.maySeePersonalData())));
    }

    private ApiKeyView view(Record row) {
        return new ApiKeyView(row.get(ID), row.get(NAME), row.get(PREFIX), Role.parseList(row.get(ROLES)),
                row.get(MAY_SEE_PII), row.get(CREATED_BY), row.get(CREATED_AT), row.get(REVOKED_AT));
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
