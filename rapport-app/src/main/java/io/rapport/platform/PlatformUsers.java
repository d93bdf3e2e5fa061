package io.rapport.platform;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Console users, stored with bcrypt hashes. The first administrator is created on first start. */
@Service
public class PlatformUsers implements UserDetailsService {

    private static final Logger log = LoggerFactory.getLogger(PlatformUsers.class);
    static final Table<?> USER = table("platform_user");
    static final Field<Long> ID = field("id", Long.class);
    static final Field<String> USERNAME = field("username", String.class);
    static final Field<String> PASSWORD_HASH = field("password_hash", String.class);
    static final Field<String> ROLES = field("roles", String.class);
    static final Field<Boolean> MAY_SEE_PII = field("may_see_pii", Boolean.class);
    static final Field<Boolean> ENABLED = field("enabled", Boolean.class);
    static final Field<OffsetDateTime> CREATED_AT = field("created_at", OffsetDateTime.class);

    private final DSLContext db;
    private final PasswordEncoder encoder;
    private final Clock clock;

    PlatformUsers(DSLContext db, PasswordEncoder encoder, Clock clock) {
        this.db = db;
        this.encoder = encoder;
        this.clock = clock;
    }

    /** A user as the API shows it: never the hash. */
    public record UserView(long id, String username, Set<Role> roles, boolean maySeePersonalData, boolean enabled) {}

    @Override
    public UserDetails loadUserByUsername(String username) {
        Record row = db.select(USERNAME, PASSWORD_HASH, ROLES, MAY_SEE_PII, ENABLED).from(USER)
                .where(USERNAME.eq(username)).fetchOne();
        if (row == null) {
            throw new UsernameNotFoundException("No such user");
        }
        return User.withUsername(row.get(USERNAME))
                .password(row.get(PASSWORD_HASH))
                .authorities(authorities(Role.parseList(row.get(ROLES)), row.get(MAY_SEE_PII)))
                .disabled(!row.get(ENABLED))
                .build();
    }

    static List<GrantedAuthority> authorities(Set<Role> roles, boolean maySeePii) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        roles.forEach(role -> authorities.add(new SimpleGrantedAuthority(role.authority())));
        if (maySeePii) {
            authorities.add(new SimpleGrantedAuthority(Role.PII_READ));
        }
        return authorities;
    }

    @Transactional
    public UserView create(String username, String password, Set<Role> roles, boolean maySeePii) {
        if (username == null || !username.matches("[A-Za-z0-9._@-]{2,100}")) {
            throw RapportException.badRequest("invalid-username", "username",
                    "Username must be 2-100 letters, digits or . _ @ -");
        }
        if (password == null || password.length() < 10) {
            throw RapportException.badRequest("weak-password", "password", "Password must have at least 10 characters");
        }
        if (roles.isEmpty()) {
            throw RapportException.badRequest("no-role", "roles", "A user needs at least one role");
        }
        if (db.fetchExists(USER, USERNAME.eq(username))) {
            throw new RapportException(HttpStatus.CONFLICT, "user-exists", "User '" + username + "' already exists",
                    "username");
        }
        Long id = db.insertInto(USER)
                .set(USERNAME, username)
                .set(PASSWORD_HASH, encoder.encode(password))
                .set(ROLES, Role.format(roles))
                .set(MAY_SEE_PII, maySeePii)
                .set(ENABLED, true)
                .set(CREATED_AT, OffsetDateTime.now(clock))
                .returningResult(ID).fetchOne(ID);
        return new UserView(id, username, roles, maySeePii, true);
    }

    public List<UserView> list() {
        return db.select(ID, USERNAME, ROLES, MAY_SEE_PII, ENABLED).from(USER).orderBy(ID).fetch(row ->
                new UserView(row.get(ID), row.get(USERNAME), Role.parseList(row.get(ROLES)), row.get(MAY_SEE_PII),
                        row.get(ENABLED)));
    }

    public Optional<UserView> find(String username) {
        return list().stream().filter(user -> user.username().equals(username)).findFirst();
    }

    /**
     * Creates the first administrator when there is no user at all. The password comes from configuration
     * ({@code RAPPORT_ADMIN_PASSWORD}); without one a random password is generated and printed once.
     */
    @Transactional
    public void ensureInitialAdmin(RapportProperties.Admin admin) {
        if (db.fetchCount(USER) > 0) {
            return;
        }
        String password = admin.password();
        boolean generated = password == null || password.isBlank();
        if (generated) {
            byte[] bytes = new byte[12];
            new SecureRandom().nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        create(admin.username(), password, Set.of(Role.ADMIN), true);
        if (generated) {
            log.warn("""

                    ************************************************************
                    Rapport created the first administrator.
                      user:     {}
                      password: {}
                    It is shown only this once: change it or set RAPPORT_ADMIN_PASSWORD.
                    ************************************************************""", admin.username(), password);
        } else {
            log.info("Rapport created the first administrator '{}' with the configured password", admin.username());
        }
    }
}
