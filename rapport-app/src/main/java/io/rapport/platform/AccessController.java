package io.rapport.platform;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Users and API keys: administrators only. */
@RestController
@PreAuthorize("hasRole('ADMIN')")
class AccessController {

    private final PlatformUsers users;
    private final ApiKeys apiKeys;
    private final org.springframework.context.ApplicationEventPublisher events;

    AccessController(PlatformUsers users, ApiKeys apiKeys, org.springframework.context.ApplicationEventPublisher events) {
        this.users = users;
        this.apiKeys = apiKeys;
        this.events = events;
    }

    /** {@code maySeePersonalData} may be left out: no permission. */
    record NewUser(@NotBlank String username, @NotBlank String password, List<String> roles,
                   Boolean maySeePersonalData) {}

    /** {@code maySeePersonalData} may be left out: no permission. */
    record NewApiKey(@NotBlank String name, List<String> roles, Boolean maySeePersonalData) {}

    @GetMapping("/api/v1/users")
    List<PlatformUsers.UserView> users() {
        return users.list();
    }

    @PostMapping("/api/v1/users")
    @ResponseStatus(HttpStatus.CREATED)
    PlatformUsers.UserView createUser(@Valid @RequestBody NewUser user, Authentication caller) {
        PlatformUsers.UserView created = users.create(user.username(), user.password(), roles(user.roles()),
                Boolean.TRUE.equals(user.maySeePersonalData()));
        events.publishEvent(new AccessChanged(caller.getName(), "user.create", created.username(),
                "roles " + Role.format(created.roles()) + ", personal data " + created.maySeePersonalData()));
        return created;
    }

    @GetMapping("/api/v1/api-keys")
    List<ApiKeys.ApiKeyView> apiKeys() {
        return apiKeys.list();
    }

    @PostMapping("/api/v1/api-keys")
    @ResponseStatus(HttpStatus.CREATED)
    ApiKeys.IssuedKey issue(@Valid @RequestBody NewApiKey key, Authentication caller) {
        ApiKeys.IssuedKey issued = apiKeys.issue(key.name(), roles(key.roles()),
                Boolean.TRUE.equals(key.maySeePersonalData()), caller.getName());
        events.publishEvent(new AccessChanged(caller.getName(), "api-key.issue", Long.toString(issued.key().id()),
                "'" + issued.key().name() + "' roles " + Role.format(issued.key().roles()) + ", personal data "
                        + issued.key().maySeePersonalData()));
        return issued;
    }

    @DeleteMapping("/api/v1/api-keys/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable long id, Authentication caller) {
        apiKeys.revoke(id);
        events.publishEvent(new AccessChanged(caller.getName(), "api-key.revoke", Long.toString(id), "revoked"));
    }

    private static Set<Role> roles(List<String> names) {
        return Role.parseList(names == null ? "" : String.join(",", names));
    }
}
