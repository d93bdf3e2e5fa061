package io.rapport.channel;

import io.rapport.privacy.ContactChannel;
import io.rapport.privacy.Purpose;
import io.rapport.privacy.UnsubscribeTokens;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Email over SMTP with Jakarta Mail (Spring's {@link JavaMailSender}, configured by {@code spring.mail.*}).
 * Marketing emails carry {@code List-Unsubscribe} (link and one-click POST, RFC 8058). The Message-ID is derived
 * from the outbox row, so a message re-sent after a lost acknowledgement is recognisably the same message.
 */
@Component
class EmailAdapter implements ChannelAdapter {

    private final ObjectProvider<JavaMailSender> mail;
    private final ChannelProperties settings;
    private final UnsubscribeTokens unsubscribeLinks;

    EmailAdapter(ObjectProvider<JavaMailSender> mail, ChannelProperties settings, UnsubscribeTokens unsubscribeLinks) {
        this.mail = mail;
        this.settings = settings;
        this.unsubscribeLinks = unsubscribeLinks;
    }

    @Override
    public Set<ChannelKind> channels() {
        return Set.of(ChannelKind.EMAIL);
    }

    @Override
    public Optional<String> send(OutboundMessage message) throws SendFailure {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            throw SendFailure.transientFailure("email is not configured (spring.mail.host)", null);
        }
        String messageId = "<rapport." + message.outboxId() + "@" + domain(settings.from()) + ">";
        try {
            MimeMessage mime = new MimeMessage(sender.createMimeMessage().getSession()) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", messageId);
                }
            };
            mime.setFrom(new InternetAddress(settings.from()));
            mime.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(message.recipient(), true));
            mime.setSubject(message.subject().orElse(""), "UTF-8");
            mime.setText(message.body(), "UTF-8");
            mime.setHeader("Content-Language", message.language());
            mime.setHeader("X-Rapport-Outbox-Id", Long.toString(message.outboxId()));
            if (message.purpose() == Purpose.MARKETING && message.customerId().isPresent()) {
                String link = unsubscribeLinks.link(message.customerId().get(), Purpose.MARKETING,
                        Optional.of(ContactChannel.EMAIL)).url();
                mime.setHeader("List-Unsubscribe", "<" + link + ">");
                mime.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            }
            sender.send(mime);
            return Optional.of(messageId);
        } catch (jakarta.mail.internet.AddressException bad) {
            throw SendFailure.permanent("invalid address: " + bad.getMessage());
        } catch (MailParseException | MailAuthenticationException | MessagingException e) {
            throw SendFailure.transientFailure("SMTP: " + e.getMessage(), e);
        } catch (MailSendException e) {
            throw SendFailure.transientFailure("SMTP: " + e.getMessage(), e);
        } catch (MailException e) {
            throw SendFailure.transientFailure("SMTP: " + e.getMessage(), e);
        }
    }

    private static String domain(String address) {
        int at = address.indexOf('@');
        return at < 0 ? "rapport.local" : address.substring(at + 1).replace(">", "");
    }
}
