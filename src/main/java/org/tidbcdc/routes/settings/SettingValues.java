package org.tidbcdc.routes.settings;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings' values, checked against their declarations ({@link Settings#check}); bound in the registry as
 * {@code settings} for the configuration classes to read typed values from.
 */
public final class SettingValues {

    private final List<Setting> settings;
    private final Map<String, String> raw;
    private final Map<String, Object> typed;

    SettingValues(List<Setting> settings, Map<String, String> raw, Map<String, Object> typed) {
        this.settings = settings;
        this.raw = raw;
        this.typed = typed;
    }

    /** The settings these are values of, in the order of {@link Settings#all()}. */
    public List<Setting> settings() {
        return settings;
    }

    /** The value as given, placeholders resolved. */
    public String raw(Setting s) {
        return raw.getOrDefault(s.env(), "");
    }

    /** The value as given, without surrounding blanks. */
    public String text(Setting s) {
        return raw(s).strip();
    }

    public int integer(Setting s) {
        return (Integer) typed(s);
    }

    public Duration duration(Setting s) {
        return (Duration) typed(s);
    }

    public boolean flag(Setting s) {
        return (Boolean) typed(s);
    }

    @SuppressWarnings("unchecked")
    public List<String> names(Setting s) {
        return (List<String>) typed(s);
    }

    /** The typed value; a setting checked only under a condition that does not hold is checked now. */
    public Object typed(Setting s) {
        Object v = typed.get(s.env());
        return v != null ? v : s.parse(raw(s));
    }
}
