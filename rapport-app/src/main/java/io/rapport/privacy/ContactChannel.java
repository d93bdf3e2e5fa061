package io.rapport.privacy;

/** The ways Rapport can reach a customer; consent is kept per purpose and channel. */
public enum ContactChannel {
    EMAIL, SMS, APP_PUSH, MESSAGING, PHONE
}
