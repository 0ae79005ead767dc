package org.tidbcdc.routes.settings;

import java.util.List;

/**
 * One setting, declared once in {@link Settings}: its environment variable, the property key the routes and
 * application.properties use ({@code {{cdc.topic}}}), its type and check, its default (as written in
 * application.properties: {@code {{cdc.host-name}}} is the host name), its group, a one-line description, how it is
 * masked, and the old names it still answers to.
 *
 * @param env         the environment variable, e.g. {@code CDC_TOPIC}; the only name a user sets
 * @param key         the property key, e.g. {@code cdc.topic}; application.properties maps it to {@code env}
 * @param group       where it is listed
 * @param type        its type, unit, valid values and check
 * @param defaultValue its default, as application.properties writes it
 * @param description one line
 * @param mask        how its value is shown
 * @param checkedWhen when its value is checked; {@link Condition#ALWAYS} for most
 * @param aliases     deprecated old names: still read, with a WARN naming {@code env}
 */
public record Setting(String env, String key, Group group, Type type, String defaultValue, String description,
        Mask mask, Condition checkedWhen, List<String> aliases) {

    /**
     * When a setting's value matters: only when another setting ({@code env}) has {@code value} (a list setting:
     * contains it). A value that is not used is not checked, as before the declaration.
     */
    public record Condition(String env, String value) {
        public static final Condition ALWAYS = new Condition(null, null);

        boolean holds(java.util.function.UnaryOperator<String> rawByEnv) {
            if (env == null) {
                return true;
            }
            String raw = rawByEnv.apply(env);
            for (String item : (raw == null ? "" : raw).split(",")) {
                if (item.strip().equalsIgnoreCase(value)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return env == null ? "" : "checked only when " + env + (env.equals("SINKS") ? " lists " : "=") + value;
        }
    }

    /** The typed value of {@code value}, or an IllegalArgumentException of one line that starts with {@link #env}. */
    public Object parse(String value) {
        String v = value == null ? "" : value;
        try {
            return type.parse(v);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (mask != Mask.NONE && !v.isEmpty()) {
                message = message.replace(v, mask.apply(v));
            }
            throw new IllegalArgumentException(env + ": " + message);
        }
    }

    /** The value as the summary, {@code --help} and error lines show it. */
    public String shown(String value) {
        return mask.apply(value);
    }

    /** The default as a reader understands it: the placeholders of other settings spelled out. */
    public String shownDefault() {
        return defaultValue.replace("{{cdc.host-name}}", "<host name>").replace("{{cdc.topic}}", "<CDC_TOPIC>");
    }

    /** A copy that is checked only when {@code env} is (or lists) {@code value}. */
    public Setting when(String otherEnv, String value) {
        return new Setting(env, key, group, type, defaultValue, description, mask, new Condition(otherEnv, value),
                aliases);
    }

    /** A copy shown masked as {@code how}. */
    public Setting masked(Mask how) {
        return new Setting(env, key, group, type, defaultValue, description, how, checkedWhen, aliases);
    }

    /** A copy that also answers to the deprecated {@code oldNames}, with a WARN naming {@link #env}. */
    public Setting formerly(String... oldNames) {
        return new Setting(env, key, group, type, defaultValue, description, mask, checkedWhen, List.of(oldNames));
    }
}
