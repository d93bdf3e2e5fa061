package io.rapport.channel;

import io.rapport.privacy.ContactChannel;
import io.rapport.privacy.Purpose;
import io.rapport.privacy.UnsubscribeTokens;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

/**
 * Email over SMTP with Jakarta Mail (Spring's {@link JavaMailSender}, configured by {@code spring.mail.*}).
 * Marketing emails carry {@code List-Unsubscribe} (link and one-click POST, RFC 8058). The Message-ID is derived
 * from the outbox row, so a message re-sent after a lost acknowledgement is recognisably the same message.
 *
 * <p>A dispatcher batch goes over one SMTP connection ({@link #sender()}): connected at the first email, reconnected
 * when the server dropped it; when connecting fails, the rest of the batch fails with that error at once (every
 * message retries later) instead of each waiting for its own connection timeout.
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
        JavaMailSender sender = configured();
        try {
            MimeMessage mime = mime(message, sender.createMimeMessage().getSession());
            sender.send(mime);
            return Optional.of(mime.getMessageID());
        } catch (MessagingException | MailException e) {
            throw failure(e);
        }
    }

    @Override
    public Sender sender() {
        return mail.getIfAvailable() instanceof JavaMailSenderImpl smtp ? new Connection(smtp)
                : ChannelAdapter.super.sender();
    }

    private JavaMailSender configured() throws SendFailure {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            throw SendFailure.transientFailure("email is not configured (spring.mail.host)", null);
        }
        return sender;
    }

    private MimeMessage mime(OutboundMessage message, Session session) throws MessagingException {
        String messageId = "<rapport." + message.outboxId() + "@" + domain(settings.from()) + ">";
        MimeMessage mime = new MimeMessage(session) {
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
        mime.setSentDate(new Date());
        mime.saveChanges();
        return mime;
    }

    private static SendFailure failure(Exception e) {
        return e instanceof jakarta.mail.internet.AddressException bad
                ? SendFailure.permanent("invalid address: " + bad.getMessage())
                : SendFailure.transientFailure("SMTP: " + e.getMessage(), e);
    }

    /** One SMTP connection for the emails of a batch (Jakarta Mail {@link Transport}: connect once, send many). */
    private final class Connection implements Sender {

        private final JavaMailSenderImpl smtp;
        private Transport transport;
        private SendFailure unreachable;
        /** An email failed on this connection: ask the server whether it is still there before the next one. */
        private boolean suspect;

        Connection(JavaMailSenderImpl smtp) {
            this.smtp = smtp;
        }

        @Override
        public List<SendAttempt> send(List<OutboundMessage> messages) {
            List<SendAttempt> attempts = new ArrayList<>(messages.size());
            for (OutboundMessage message : messages) {
                attempts.add(SendAttempt.of(() -> sendOne(message)));
            }
            return attempts;
        }

        private Optional<String> sendOne(OutboundMessage message) throws SendFailure {
            try {
                MimeMessage mime = mime(message, smtp.getSession());
                connected().sendMessage(mime, mime.getAllRecipients());
                return Optional.of(mime.getMessageID());
            } catch (MessagingException e) {
                suspect = true;
                throw failure(e);
            }
        }

        /** The open connection; a dropped one is replaced, a server that cannot be reached is not tried again. */
        private Transport connected() throws SendFailure {
            if (unreachable != null) {
                throw unreachable;
            }
            // isConnected() costs a round trip (NOOP): only after a failure, not before every email
            if (transport != null && (!suspect || transport.isConnected())) {
                suspect = false;
                return transport;
            }
            close();
            try {
                Transport fresh = smtp.getSession().getTransport(smtp.getProtocol() == null ? "smtp"
                        : smtp.getProtocol());
                fresh.connect(smtp.getHost(), smtp.getPort(), blankAsNull(smtp.getUsername()),
                        blankAsNull(smtp.getPassword()));
                transport = fresh;
                return fresh;
            } catch (MessagingException e) {
                unreachable = SendFailure.transientFailure("SMTP: " + e.getMessage(), e);
                throw unreachable;
            }
        }

        @Override
        public void close() {
            if (transport != null) {
                try {
                    transport.close();
                } catch (MessagingException ignored) {
                    // the messages are sent (or failed) already; a failing QUIT changes nothing
                }
                transport = null;
            }
        }
    }

    private static String blankAsNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String domain(String address) {
        int at = address.indexOf('@');
        return at < 0 ? "rapport.local" : address.substring(at + 1).replace(">", "");
    }
}
