package io.rapport.analytics.synthetic;

import java.util.Objects;
import java.util.Optional;

/**
 * A point of sale: a physical store, or the virtual "store" of an online channel (so every order
 * line has a store code to group by).
 *
 * @param code    stable store code, e.g. {@code SH01} or {@code ONLINE}
 * @param name    display name
 * @param channel one of {@link #SHOP}, {@link #STORE}, {@link #APP}, {@link #MINI_PROGRAM}
 * @param city    the city of a physical store; empty for online channels
 */
public record DemoStore(String code, String name, String channel, Optional<String> city) {

    /** The brand's online shop (web). */
    public static final String SHOP = "shop";
    /** A physical (offline) store. */
    public static final String STORE = "store";
    /** The brand's mobile app. */
    public static final String APP = "app";
    /** The brand's WeChat mini-program. */
    public static final String MINI_PROGRAM = "mini_program";

    public DemoStore {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(city, "city");
    }
}
