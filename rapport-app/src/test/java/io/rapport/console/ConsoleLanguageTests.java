package io.rapport.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.MessageSourceAutoConfiguration;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which language the console speaks: the choice, then the browser's wish, then English — never the server's. */
class ConsoleLanguageTests {

    @Test
    void should_speak_english_to_english_users_on_a_server_running_in_a_chinese_locale() {
        Locale serverLocale = Locale.getDefault();
        ClassLoader loader = getClass().getClassLoader();
        try {
            Locale.setDefault(Locale.SIMPLIFIED_CHINESE);
            ResourceBundle.clearCache(loader);
            new ApplicationContextRunner()
                    .withInitializer(new ConfigDataApplicationContextInitializer())
                    .withConfiguration(AutoConfigurations.of(MessageSourceAutoConfiguration.class))
                    .run(context -> {
                        assertThat(context.getMessage("nav.customers", null, Locale.ENGLISH)).isEqualTo("Customers");
                        assertThat(context.getMessage("nav.customers", null, Locale.FRENCH)).isEqualTo("Customers");
                        assertThat(context.getMessage("nav.customers", null, Locale.SIMPLIFIED_CHINESE))
                                .isEqualTo("客户");
                    });
        } finally {
            Locale.setDefault(serverLocale);
            ResourceBundle.clearCache(loader);
        }
    }

    @Test
    void should_pick_the_closest_supported_language_from_what_the_browser_asks_for() {
        assertThat(ConsoleConfig.supported("zh-CN,zh;q=0.9,en;q=0.8")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(ConsoleConfig.supported("zh")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(ConsoleConfig.supported("en-US,en;q=0.9,zh-CN;q=0.8")).isEqualTo(Locale.ENGLISH);
        assertThat(ConsoleConfig.supported("fr-FR,fr;q=0.9")).isEqualTo(Locale.ENGLISH);
        assertThat(ConsoleConfig.supported("no such ;; list")).isEqualTo(Locale.ENGLISH);
        assertThat(ConsoleConfig.supported(null)).isEqualTo(Locale.ENGLISH);
    }
}
