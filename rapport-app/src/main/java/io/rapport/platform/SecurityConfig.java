package io.rapport.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Two doors: the HTTP API ({@code /api/**}) for machines and scripts — API key or HTTP Basic, stateless, errors as
 * problem details — and the console for people — form login, session, CSRF. Only health and the login page are open.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
class SecurityConfig {

    static final String API_KEY_HEADER = "X-API-Key";

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiKeys apiKeys, LoginThrottle throttle) throws Exception {
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(auth -> auth
                        // partners authenticate each request with an HMAC signature the loyalty package checks
                        .requestMatchers("/api/v1/loyalty/partner-gateway/**").permitAll()
                        .anyRequest().authenticated())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.authenticationEntryPoint((request, response, e) ->
                        writeProblem(response, HttpStatus.UNAUTHORIZED, "unauthenticated",
                                "Authentication required: send an X-API-Key header or HTTP Basic credentials")))
                .addFilterBefore(new ApiKeyFilter(apiKeys), BasicAuthenticationFilter.class)
                .addFilterBefore(throttle, BasicAuthenticationFilter.class)
                .headers(headers -> headers.referrerPolicy(referrer -> referrer.policy(
                        org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .exceptionHandling(ex -> ex
                        .authenticationEntryPoint((request, response, e) -> writeProblem(response,
                                HttpStatus.UNAUTHORIZED, "unauthenticated",
                                "Authentication required: send an X-API-Key header or HTTP Basic credentials"))
                        .accessDeniedHandler((request, response, e) -> writeProblem(response, HttpStatus.FORBIDDEN,
                                "forbidden", "Your role may not do this")));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain console(HttpSecurity http, LoginThrottle throttle) throws Exception {
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/css/**", "/js/**", "/webjars/**", "/favicon.ico", "/error").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // one-click unsubscribe links: the signed token is the permission (io.rapport.privacy)
                        .requestMatchers("/unsubscribe/**").permitAll()
                        // journey survey links: the signed token is the permission (io.rapport.journey.Surveys)
                        .requestMatchers("/survey/**").permitAll()
                        .anyRequest().authenticated())
                // mail clients POST RFC 8058 one-click requests without a session or CSRF token
                .csrf(csrf -> csrf.ignoringRequestMatchers("/unsubscribe/**", "/survey/**"))
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/", false).permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
                .httpBasic(basic -> {})
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(
                                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                        + "script-src 'self'; frame-ancestors 'none'"))
                        .frameOptions(frame -> frame.deny())
                        // unsubscribe and survey links carry a token in the path: never send it on as a Referer
                        .referrerPolicy(referrer -> referrer.policy(org.springframework.security.web.header.writers
                                .ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                        .permissionsPolicyHeader(permissions -> permissions.policy(
                                "camera=(), microphone=(), geolocation=(), payment=()"))
                        .crossOriginOpenerPolicy(coop -> coop.policy(org.springframework.security.web.header.writers
                                .CrossOriginOpenerPolicyHeaderWriter.CrossOriginOpenerPolicy.SAME_ORIGIN)))
                .addFilterBefore(throttle, org.springframework.security.web.authentication
                        .UsernamePasswordAuthenticationFilter.class);
        return http.build();
    }

    static void writeProblem(HttpServletResponse response, HttpStatus status, String code, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase()
                + "\",\"status\":" + status.value() + ",\"code\":\"" + code + "\",\"detail\":\"" + detail + "\"}");
    }

    /** Authenticates {@code X-API-Key}; a key that is present but wrong is a 401, never a silent fallback. */
    static final class ApiKeyFilter extends OncePerRequestFilter {

        private final ApiKeys apiKeys;

        ApiKeyFilter(ApiKeys apiKeys) {
            this.apiKeys = apiKeys;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String presented = request.getHeader(API_KEY_HEADER);
            if (presented == null) {
                chain.doFilter(request, response);
                return;
            }
            var authentication = apiKeys.authenticate(presented.trim());
            if (authentication.isEmpty()) {
                writeProblem(response, HttpStatus.UNAUTHORIZED, "invalid-api-key", "The API key is unknown or revoked");
                return;
            }
            SecurityContextHolder.getContext().setAuthentication(authentication.get());
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }
    }

    /** The throttle runs inside both security chains only, not a second time as a plain servlet filter. */
    @Bean
    org.springframework.boot.web.servlet.FilterRegistrationBean<LoginThrottle> loginThrottleRegistration(
            LoginThrottle throttle) {
        var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(throttle);
        registration.setEnabled(false);
        return registration;
    }

    @Bean
    InitialAdmin initialAdmin(PlatformUsers users, RapportProperties properties) {
        return new InitialAdmin(users, properties);
    }

    /** Creates the first administrator once the schema is migrated, before anything else (such as demo data) runs. */
    record InitialAdmin(PlatformUsers users, RapportProperties properties) {
        @EventListener(ApplicationReadyEvent.class)
        @Order(0)
        public void create() {
            users.ensureInitialAdmin(properties.admin());
        }
    }
}
