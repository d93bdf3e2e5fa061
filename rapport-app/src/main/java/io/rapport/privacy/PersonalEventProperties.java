package io.rapport.privacy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Personal data inside behaviour events' free-form properties. Sources send what they like; the property keys that
 * name personal data ({@link PersonalFields#EVENT_PROPERTY_KEYS}, or {@code rapport.privacy.event-personal-properties})
 * are protected at any depth of the JSON object: encrypted at ingest when encryption is on (the value becomes an
 * {@code enc:…} string), masked wherever events are shown (timeline), revealed only in the person's own export. Other
 * properties (sku, page, campaign …) are stored and used as sent.
 */
@Service
public class PersonalEventProperties {

    private final PersonalDataCipher cipher;
    private final ObjectMapper json;
    private final Set<String> keys;

    PersonalEventProperties(PersonalDataCipher cipher, ObjectMapper json,
                            @Value("${rapport.privacy.event-personal-properties:}") List<String> configured) {
        this.cipher = cipher;
        this.json = json;
        List<String> names = configured == null || configured.isEmpty() || configured.stream().allMatch(String::isBlank)
                ? PersonalFields.EVENT_PROPERTY_KEYS : configured;
        this.keys = names.stream().map(k -> k.strip().toLowerCase(Locale.ROOT)).filter(k -> !k.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The (lower-case) property keys treated as personal data. */
    public Set<String> keys() {
        return keys;
    }

    /** The properties as they are stored: personal values encrypted under the current key when encryption is on. */
    public String protect(String propertiesJson) {
        if (!cipher.enabled()) {
            return propertiesJson;
        }
        return rewrite(propertiesJson, value -> {
            String plain = plain(value);
            return value.isString() && cipher.isCurrent(value.asString()) ? value
                    : json.getNodeFactory().stringNode(cipher.encrypt(plain));
        });
    }

    /** For showing to staff: every personal value masked (decrypted first), the rest as stored. */
    public String masked(String propertiesJson) {
        return rewrite(propertiesJson, value -> json.getNodeFactory().stringNode(mask(plain(value))));
    }

    /** For the person's own export: every personal value decrypted. */
    public String revealed(String propertiesJson) {
        return rewrite(propertiesJson, value -> value.isString() && value.asString().startsWith(PersonalDataCipher.PREFIX)
                ? json.getNodeFactory().stringNode(cipher.decrypt(value.asString())) : value);
    }

    private String plain(JsonNode value) {
        return value.isString() ? cipher.decrypt(value.asString()) : value.toString();
    }

    static String mask(String value) {
        if (value.contains("@")) {
            return PersonalDataMask.email(value);
        }
        if (value.matches("\\+?[\\d\\s-]{7,}")) {
            return PersonalDataMask.phone(value.replaceAll("[\\s-]", ""));
        }
        return PersonalDataMask.name(value);
    }

    /** Applies {@code change} to every non-null value under a personal key; the text is returned as it came if unchanged. */
    private String rewrite(String propertiesJson, UnaryOperator<JsonNode> change) {
        if (propertiesJson == null || propertiesJson.isBlank()) {
            return propertiesJson;
        }
        JsonNode root;
        try {
            root = json.readTree(propertiesJson);
        } catch (RuntimeException notJson) {
            return propertiesJson;
        }
        return walk(root, change) ? root.toString() : propertiesJson;
    }

    private boolean walk(JsonNode node, UnaryOperator<JsonNode> change) {
        boolean changed = false;
        if (node instanceof ObjectNode object) {
            for (String name : List.copyOf(object.propertyNames())) {
                JsonNode value = object.get(name);
                if (keys.contains(name.toLowerCase(Locale.ROOT)) && value != null && !value.isNull()) {
                    JsonNode replaced = change.apply(value);
                    if (!replaced.equals(value)) {
                        object.set(name, replaced);
                        changed = true;
                    }
                } else if (value != null) {
                    changed |= walk(value, change);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                changed |= walk(item, change);
            }
        }
        return changed;
    }
}
