package io.rapport.privacy;

/**
 * How personal data looks to someone who may not see it: enough to recognise, not enough to contact.
 * {@code +8613812345678 -> +86138****5678}, {@code zhang.wei@example.com -> z***@example.com}, {@code 张伟 -> 张*}.
 */
public final class PersonalDataMask {

    private PersonalDataMask() {}

    public static String phone(String phone) {
        if (phone == null || phone.isEmpty()) {
            return phone;
        }
        if (phone.length() <= 7) {
            return "*".repeat(phone.length());
        }
        int keepEnd = 4;
        int keepStart = Math.min(phone.length() - keepEnd - 4, phone.startsWith("+") ? 6 : 3);
        return phone.substring(0, keepStart) + "****" + phone.substring(phone.length() - keepEnd);
    }

    public static String email(String email) {
        if (email == null || email.isEmpty()) {
            return email;
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    public static String name(String name) {
        if (name == null || name.isEmpty()) {
            return name;
        }
        int first = name.codePointAt(0);
        return new String(Character.toChars(first)) + "*".repeat(Math.max(1, Math.min(3,
                name.codePointCount(0, name.length()) - 1)));
    }

    /** Identifiers that are not contact data (member numbers, device ids): keep the head, hide the tail. */
    public static String identifier(String value) {
        if (value == null || value.length() <= 4) {
            return value == null ? null : "****";
        }
        return value.substring(0, Math.min(4, value.length() / 2)) + "****";
    }
}
