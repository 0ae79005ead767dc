package org.tidbcdc.routes.ticdc;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The syntax of one TiCDC table filter rule (TiDB's table-filter): an optional {@code !}, then a schema pattern, a dot
 * and a table pattern. A pattern is a name with the wildcards {@code * ? [a-z]} and backslash escapes, a quoted name
 * ({@code "..."} or {@code `...`}) or a {@code /regex/}. Checked here so that a typo stops start-up, named, instead of
 * being refused by TiCDC later. TiCDC's Go regular expressions are narrower than Java's, so a regex this accepts can
 * still be refused by TiCDC.
 */
final class FilterRule {

    private FilterRule() {
    }

    /** @throws IllegalArgumentException naming CHANGEFEED_FILTER_RULES, the rule and what is wrong with it */
    static void check(String rule) {
        String why = problem(rule);
        if (why != null) {
            throw new IllegalArgumentException("CHANGEFEED_FILTER_RULES: '" + rule + "' is not a TiCDC table filter"
                    + " rule (schema.table, with * ? [a-z] wildcards, \"quoted\" names or /regex/): " + why);
        }
    }

    /** What is wrong with the rule, or null. */
    static String problem(String rule) {
        int i = rule.startsWith("!") ? 1 : 0;
        if (rule.startsWith("@", i)) {
            return "rules imported from a file (@) are not supported here";
        }
        try {
            i = pattern(rule, i, "schema");
            if (i >= rule.length() || rule.charAt(i) != '.') {
                return "no dot between the schema and the table pattern";
            }
            i = pattern(rule, i + 1, "table");
            if (i != rule.length()) {
                return "unexpected '" + rule.substring(i) + "' after the table pattern";
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Reads the pattern that starts at {@code from}; returns where it ends. */
    private static int pattern(String rule, int from, String what) {
        if (from >= rule.length()) {
            throw new IllegalArgumentException("the " + what + " pattern is empty");
        }
        char first = rule.charAt(from);
        if (first == '/') {
            int end = from + 1;
            while (end < rule.length() && rule.charAt(end) != '/') {
                end += rule.charAt(end) == '\\' ? 2 : 1;
            }
            if (end >= rule.length()) {
                throw new IllegalArgumentException("the " + what + " regex has no closing /");
            }
            try {
                Pattern.compile(rule.substring(from + 1, end));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("the " + what + " regex is invalid: " + e.getDescription());
            }
            return end + 1;
        }
        if (first == '"' || first == '`') {
            int end = rule.indexOf(first, from + 1);
            while (end > 0 && end + 1 < rule.length() && rule.charAt(end + 1) == first) {
                end = rule.indexOf(first, end + 2); // a doubled quote stands for itself
            }
            if (end < 0) {
                throw new IllegalArgumentException("the quoted " + what + " name is not closed");
            }
            if (end == from + 1) {
                throw new IllegalArgumentException("the " + what + " pattern is empty");
            }
            return end + 1;
        }
        int i = from;
        while (i < rule.length() && rule.charAt(i) != '.') {
            char c = rule.charAt(i);
            if (c == '\\') {
                if (i + 1 >= rule.length()) {
                    throw new IllegalArgumentException("a backslash ends the " + what + " pattern");
                }
                i += 2;
            } else if (c == '[') {
                int close = rule.indexOf(']', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("a [ in the " + what + " pattern is not closed");
                }
                i = close + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '-' || c == '*' || c == '?'
                    || c > 0x7f) {
                i++;
            } else {
                throw new IllegalArgumentException("'" + c + "' in the " + what + " pattern; quote the name or escape"
                        + " it with a backslash");
            }
        }
        if (i == from) {
            throw new IllegalArgumentException("the " + what + " pattern is empty");
        }
        return i;
    }
}
