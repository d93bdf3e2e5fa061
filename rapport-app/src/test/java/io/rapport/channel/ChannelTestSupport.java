package io.rapport.channel;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.rapport.platform.Actor;
import io.rapport.privacy.Consents;
import io.rapport.testing.MutableClock;
import io.rapport.testing.TestGateway;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What channel tests share: a real SMTP server (GreenMail), a real HTTP gateway, a hand-moved clock, consent in the real ledger. */
public final class ChannelTestSupport {

    private ChannelTestSupport() {}

    public static final String GATEWAY_SECRET = "gateway-secret-1";
    /** 2026-03-10 11:00 in Shanghai: inside sending hours. */
    public static final Instant DAYTIME = Instant.parse("2026-03-10T03:00:00Z");

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static GreenMail smtp(int port) {
        GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        return mail;
    }

    /** Points the server at the SMTP port and the gateway, and turns off the background dispatcher. */
    public static void properties(DynamicPropertyRegistry registry, int smtpPort, TestGateway gateway) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> smtpPort);
        registry.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "2000");
        registry.add("spring.mail.properties.mail.smtp.timeout", () -> "2000");
        registry.add("rapport.channel.dispatch.enabled", () -> "false");
        registry.add("rapport.channel.dispatch.max-attempts", () -> "4");
        for (String channel : new String[] {"sms", "app-push", "messaging", "webhook"}) {
            registry.add("rapport.channel.gateways." + channel + ".url", () -> gateway.url("/" + channel));
            registry.add("rapport.channel.gateways." + channel + ".secret", () -> GATEWAY_SECRET);
            registry.add("rapport.channel.gateways." + channel + ".timeout", () -> "PT1S");
        }
        // an endpoint of the brand's own systems for journey webhook steps, on the same test server
        registry.add("rapport.channel.webhooks.crm.url", () -> gateway.url("/hooks/crm"));
        registry.add("rapport.channel.webhooks.crm.secret", () -> GATEWAY_SECRET);
        registry.add("rapport.channel.webhooks.crm.timeout", () -> "PT1S");
    }

    /**
     * Records in the privacy module's consent ledger that the customer granted (or withdrew) marketing on the given
     * channels (none: every channel), as the consent API would.
     */
    public static void marketingConsent(Consents consents, long customerId, boolean granted, String... channels) {
        consents.record(customerId, new Consents.ChangeRequest("marketing", granted ? "grant" : "withdraw",
                List.of(channels), null, null, null, "api", null, "test-fixture"), new Actor("test", false));
    }

    /** The test clock. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Beans {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock(DAYTIME);
        }
    }
}
