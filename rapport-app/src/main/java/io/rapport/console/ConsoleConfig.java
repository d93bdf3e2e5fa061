package io.rapport.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.i18n.LocaleContext;
import org.springframework.context.i18n.SimpleLocaleContext;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/**
 * Console languages: English and Simplified Chinese. Until someone chooses one with {@code ?lang=zh-CN} (kept in a
 * cookie), the browser's preferred language decides; anything else falls back to English.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleConfig implements WebMvcConfigurer {

    static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.SIMPLIFIED_CHINESE);

    @Bean
    LocaleResolver localeResolver() {
        CookieLocaleResolver resolver = new CookieLocaleResolver("rapport-lang") {
            @Override
            public void setLocaleContext(HttpServletRequest request, HttpServletResponse response,
                                         LocaleContext context) {
                Locale chosen = context == null ? null : context.getLocale();
                super.setLocaleContext(request, response,
                        chosen == null ? null : new SimpleLocaleContext(supported(chosen.toLanguageTag())));
            }
        };
        resolver.setDefaultLocaleFunction(request -> supported(request.getHeader("Accept-Language")));
        return resolver;
    }

    /** The supported language closest to a language tag or an Accept-Language list; English when none is. */
    static Locale supported(String languages) {
        if (languages == null || languages.isBlank()) {
            return Locale.ENGLISH;
        }
        try {
            return Locale.filter(Locale.LanguageRange.parse(languages), SUPPORTED).stream().findFirst()
                    .orElse(Locale.ENGLISH);
        } catch (IllegalArgumentException malformed) {
            return Locale.ENGLISH;
        }
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        LocaleChangeInterceptor interceptor = new LocaleChangeInterceptor();
        interceptor.setParamName("lang");
        interceptor.setIgnoreInvalidLocale(true);
        registry.addInterceptor(interceptor);
    }
}
