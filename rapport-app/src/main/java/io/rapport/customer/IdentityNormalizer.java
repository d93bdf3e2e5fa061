package io.rapport.customer;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import io.rapport.platform.RapportProperties;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Turns what sources write (" +86 138-1234-5678", "Zhang@Example.COM", "17850.0") into one canonical key, so the
 * same person is recognised whichever channel they come through. Throws {@link InvalidIdentityException} naming the
 * problem when a value cannot be an identifier of its kind.
 */
@Component
public class IdentityNormalizer {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern PLAIN_ID = Pattern.compile("[\\p{L}\\p{N}._:@/+\\-]{1,200}");

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    public IdentityNormalizer(RapportProperties properties) {
        this.defaultRegion = properties.defaultRegion();
    }

    public IdentityKey phone(String raw) {
        String value = raw.strip();
        try {
            Phonenumber.PhoneNumber number = phones.parse(value, defaultRegion);
            if (!phones.isPossibleNumber(number)) {
                throw new InvalidIdentityException("phone", raw, "is not a possible phone number");
            }
            return new IdentityKey(IdentityKind.PHONE, "", phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            throw new InvalidIdentityException("phone", raw, "is not a phone number (" + e.getMessage() + ")");
        }
    }

    /** What the start of a stored E.164 number may look like when someone types {@code digits}. */
    public java.util.List<String> phonePrefixes(String digits) {
        if (digits.startsWith("+")) {
            return java.util.List.of(digits);
        }
        String national = digits.startsWith("0") ? digits.substring(1) : digits;
        return java.util.List.of("+" + digits, "+" + phones.getCountryCodeForRegion(defaultRegion) + national);
    }

    public IdentityKey email(String raw) {
        String value = raw.strip().toLowerCase(Locale.ROOT);
        if (value.length() > 200 || !EMAIL.matcher(value).matches()) {
            throw new InvalidIdentityException("email", raw, "is not an email address");
        }
        return new IdentityKey(IdentityKind.EMAIL, "", value);
    }

    public IdentityKey of(IdentityKind kind, String namespace, String raw) {
        return switch (kind) {
            case PHONE -> phone(raw);
            case EMAIL -> email(raw);
            default -> plain(kind, namespace, raw);
        };
    }

    /** A source's own customer number. Spreadsheet exports write integers as floats ("17850.0"): strip the ".0". */
    public IdentityKey external(String source, String raw) {
        String value = raw.strip();
        if (value.matches("\\d+\\.0+")) {
            value = value.substring(0, value.indexOf('.'));
        }
        return plain(IdentityKind.EXTERNAL, source, value);
    }

    private IdentityKey plain(IdentityKind kind, String namespace, String raw) {
        String value = raw.strip();
        if (!PLAIN_ID.matcher(value).matches()) {
            throw new InvalidIdentityException(kind.wire(), raw, "must be 1-200 letters, digits or ._:@/+-");
        }
        return new IdentityKey(kind, kind == IdentityKind.EXTERNAL ? namespace : "", value);
    }

    /** The identifier in a field is not valid for its kind. */
    public static final class InvalidIdentityException extends IllegalArgumentException {
        private final String field;
        private final String value;

        public InvalidIdentityException(String field, String value, String problem) {
            super(field + " '" + value + "' " + problem);
            this.field = field;
            this.value = value;
        }

        public String field() {
            return field;
        }

        public String value() {
            return value;
        }
    }
}
