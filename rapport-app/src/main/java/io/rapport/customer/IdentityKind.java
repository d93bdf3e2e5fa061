package io.rapport.customer;

/**
 * The kinds of identifier that point at a customer. All but device ids link records to one profile (and merge
 * profiles they connect); a device can be shared in a household, so it is attached but never merges two people.
 */
public enum IdentityKind {
    PHONE, EMAIL, MEMBER_NO, WECHAT_UNIONID, DEVICE_ID, EXTERNAL;

    public boolean links() {
        return this != DEVICE_ID;
    }

    public boolean personal() {
        return this == PHONE || this == EMAIL;
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
