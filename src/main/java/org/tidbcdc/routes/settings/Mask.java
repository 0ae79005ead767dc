package org.tidbcdc.routes.settings;

import java.util.regex.Pattern;

/** How a setting's value is shown in the startup summary, in {@code --help} and in error lines. */
public enum Mask {
    /** Shown as it is. */
    NONE,
    /** A password: shown as {@code ******} when set. */
    WHOLE,
    /**
     * A URI or a JAAS line: the userinfo ({@code user:password@}) and every parameter named like password, secret, key
     * or token are shown as {@code ******}; the rest as it is.
     */
    URI_CREDENTIALS;

    static final String HIDDEN = "******";

    private static final Pattern USERINFO = Pattern.compile("(//)[^/@?#\\s]+@");
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([\\w.-]*(?:password|passwd|pwd|secret|key|token)[\\w.-]*\\s*=\\s*)(\"[^\"]*\"|'[^']*'|[^&;\\s\"']*)");

    /** The value as it may be shown; an empty value stays empty. */
    public String apply(String value) {
        if (value == null || value.isEmpty() || this == NONE) {
            return value;
        }
        if (this == WHOLE) {
            return HIDDEN;
        }
        String out = USERINFO.matcher(value).replaceAll("$1" + HIDDEN + "@");
        return SECRET_PARAMETER.matcher(out).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                m.group(1) + (m.group(2).isEmpty() ? "" : HIDDEN)));
    }

    /** As it is written in the reference: none, whole, uri-credentials. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
