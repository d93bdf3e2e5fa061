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

    AccessController(PlatformUsers users, ApiKeys apiKeys) {
        this.users = users;
        this.apiKeys = apiKeys;
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
    PlatformUsers.UserView createUser(@Valid @RequestBody NewUser user) {
        return users.create(user.username(), user.password(), roles(user.roles()), Boolean.TRUE.equals(user.maySeePersonalData()));
    }

    @GetMapping("/api/v1/api-keys")
    List<ApiKeys.ApiKeyView> apiKeys() {
        return apiKeys.list();
    }

    @PostMapping("/api/v1/api-keys")
    @ResponseStatus(HttpStatus.CREATED)
    ApiKeys.IssuedKey issue(@Valid @RequestBody NewApiKey key, Authentication caller) {
        return apiKeys.issue(key.name(), roles(key.roles()), Boolean.TRUE.equals(key.maySeePersonalData()),
                caller.getName());
    }

    @DeleteMapping("/api/v1/api-keys/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable long id) {
        apiKeys.revoke(id);
    }

    private static Set<Role> roles(List<String> names) {
        return Role.parseList(names == null ? "" : String.join(",", names));
    }
}
