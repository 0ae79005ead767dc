package org.tidbcdc.routes.canal;

import java.util.ArrayList;
import java.util.List;

/** Reads what stands between the parentheses of a mysqlType. */
final class TypeArguments {

    private TypeArguments() {
    }

    /** Index of the ')' matching the '(' at {@code open}, skipping quoted members; -1 if unbalanced. */
    static int closingParen(String s, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                if (quoted && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ')' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** The leading number of "3" or "10,3"; {@code otherwise} when there is none. */
    static int width(String args, int otherwise) {
        if (args == null) {
            return otherwise;
        }
        int end = args.indexOf(',');
        try {
            int n = Integer.parseInt((end < 0 ? args : args.substring(0, end)).trim());
            return n > 0 && n <= otherwise ? n : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /**
     * Members of {@code 'a','it''s'}, or null if the list is malformed. TiDB writes members with
     * {@code format.OutputFormat}, which doubles a quote and writes NUL, LF and CR as \0, \n and \r but leaves
     * every other backslash as it is; this is its inverse, so a member such as 'C:\dir' survives.
     */
    static List<String> quotedList(String args) {
        List<String> out = new ArrayList<>();
        int i = skipSpaces(args, 0);
        while (i < args.length()) {
            if (args.charAt(i) != '\'') {
                return null;
            }
            StringBuilder label = new StringBuilder();
            i = readQuoted(args, i + 1, label);
            if (i < 0) {
                return null;
            }
            out.add(label.toString());
            i = skipSpaces(args, i);
            if (i < args.length()) {
                if (args.charAt(i) != ',') {
                    return null;
                }
                i = skipSpaces(args, i + 1);
            }
        }
        return out;
    }

    /** Appends the member starting after its opening quote; returns the index after its closing quote. */
    private static int readQuoted(String s, int i, StringBuilder label) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    label.append('\'');
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            if (c == '\\' && i + 1 < s.length() && unescaped(s.charAt(i + 1)) != 0xFFFF) {
                label.append(unescaped(s.charAt(i + 1)));
                i += 2;
                continue;
            }
            label.append(c);
            i++;
        }
        return -1;
    }

    private static char unescaped(char c) {
        switch (c) {
            case '0':
                return '\0';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            default:
                return 0xFFFF;
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
