package dev.sluice.policy.field;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed name under a {@link DynamicPrefix}: the prefix, the path, and the canonical spelling
 * that is the field's name. The syntax:
 * <pre>
 * name   := prefix step+
 * step   := "." key | "[" index "]" | "[" quoted "]"
 * key    := ( letter | digit | "_" | "@" )+
 * index  := decimal, 0..65535                  (JSON only)
 * quoted := '"' ( any printable character but '"' and '\' | '\"' | '\\' )+ '"'
 * </pre>
 * So {@code json.fixes[0].lat}, {@code syslog.sd.exampleSDID@32473.iut} and
 * {@code json.http["user-agent"]}: a key with any other character (a dash, a dot, a space) is
 * quoted in brackets, as in JSONPath. {@code syslog.sd} takes exactly two keys (SD-ID and
 * parameter) and {@code can} two (message and signal), {@code cef} and {@code leef} one;
 * JSON paths any number up to {@link #MAX_STEPS}. A key that is all digits after a dot
 * ({@code json.a.0}) is a member name, never an index.
 * <p>
 * The canonical name writes every key that can be bare after a dot and quotes the others, so
 * {@code json["a"].b} and {@code json.a.b} are one field, named {@code json.a.b}.
 * <p>
 * Immutable; any thread.
 *
 * @param prefix the prefix.
 * @param path   the steps after it.
 * @param name   the canonical name.
 */
public record DynamicName(DynamicPrefix prefix, List<PathStep> path, String name)
{
    /** The longest canonical name, in characters. */
    public static final int MAX_NAME_LENGTH = 255;
    /** The most steps of a path. */
    public static final int MAX_STEPS = 32;
    /** The largest JSON array index. */
    public static final int MAX_INDEX = 65_535;

    public DynamicName
    {
        path = List.copyOf(path);
    }

    /** A name that does not parse: what is wrong, where in the name, and a hint. */
    public static final class Invalid extends Exception
    {
        private final int offset;
        private final String hint;

        Invalid(final int offset, final String message, final String hint)
        {
            super(message, null, false, false);
            this.offset = offset;
            this.hint = hint;
        }

        /**
         * @return the offset in the written name where the problem is.
         */
        public int offset()
        {
            return offset;
        }

        /**
         * @return what to write instead, or null.
         */
        public String hint()
        {
            return hint;
        }
    }

    /**
     * @param written a name as written in a policy, starting with a dynamic prefix.
     * @return the parsed name, or null when the name has no dynamic prefix.
     * @throws Invalid when the path does not parse or breaks a limit.
     */
    public static DynamicName parse(final String written) throws Invalid
    {
        final DynamicPrefix prefix = DynamicPrefix.of(written);
        if (null == prefix)
        {
            return null;
        }

        final ArrayList<PathStep> steps = new ArrayList<>();
        final int length = written.length();
        int i = prefix.prefix().length();
        while (i < length)
        {
            final int stepStart = i;
            final char c = written.charAt(i);
            if ('.' == c)
            {
                i++;
                while (i < length && isKeyChar(written.charAt(i)))
                {
                    i++;
                }
                if (i == stepStart + 1)
                {
                    throw new Invalid(
                        stepStart,
                        i < length ? "'" + written.charAt(i) + "' cannot start a key in '" + abbreviate(written) + "'" :
                            "'" + abbreviate(written) + "' ends with '.'",
                        quoteHint(prefix));
                }
                steps.add(PathStep.key(written.substring(stepStart + 1, i)));
            }
            else if ('[' == c)
            {
                final int end = bracketEnd(written, i);
                if (end < 0)
                {
                    throw new Invalid(stepStart, "unclosed or malformed '[' in '" + abbreviate(written) + "'",
                        "write an array index as [0] and a key with other characters as [\"user-agent\"]");
                }
                if ('"' == written.charAt(i + 1))
                {
                    final String key = unquote(written, i + 1, end - 2);
                    if (key.isEmpty())
                    {
                        throw new Invalid(stepStart, "a key cannot be empty", null);
                    }
                    steps.add(PathStep.key(key));
                }
                else
                {
                    if (!prefix.allowsIndexes())
                    {
                        throw new Invalid(stepStart, "only JSON paths have array indexes", "names under '" + prefix.prefix() +
                            "' are " + prefix.form());
                    }
                    final String digits = written.substring(i + 1, end - 1);
                    if (digits.length() > 5 || Integer.parseInt(digits) > MAX_INDEX || (digits.length() > 1 && '0' == digits.charAt(0)))
                    {
                        throw new Invalid(stepStart + 1, "array index " + digits + " is not a number in 0.." + MAX_INDEX, null);
                    }
                    steps.add(PathStep.index(Integer.parseInt(digits)));
                }
                i = end;
            }
            else
            {
                throw new Invalid(
                    i,
                    "'" + c + "' cannot appear in the name '" + abbreviate(written) + "' outside brackets",
                    quoteHint(prefix));
            }
            if (steps.size() > MAX_STEPS)
            {
                throw new Invalid(stepStart, "a path has at most " + MAX_STEPS + " steps", null);
            }
        }

        if (0 != prefix.steps() && steps.size() != prefix.steps())
        {
            throw new Invalid(
                0,
                "'" + abbreviate(written) + "' has " + steps.size() + " key" + (1 == steps.size() ? "" : "s") + " after '" +
                    prefix.prefix() + "', but a " + prefix.what() + " is named by " + prefix.steps(),
                "write " + prefix.form() + (steps.size() > prefix.steps() ? "; quote a key that contains a dot: [\"a.b\"]" : ""));
        }

        final String name = canonical(prefix, steps);
        if (name.length() > MAX_NAME_LENGTH)
        {
            throw new Invalid(0, "field name of " + name.length() + " characters is longer than " + MAX_NAME_LENGTH, null);
        }
        return new DynamicName(prefix, steps, name);
    }

    /**
     * The name of the value at a path, spelt canonically: what parsers report to an
     * {@code EventFieldVisitor} and the parse tool prints, so that a name copied from their
     * output into a policy names the same field.
     *
     * @param prefix the prefix.
     * @param path   the steps; the limits of {@link #parse} are not checked.
     * @return the name.
     */
    public static DynamicName of(final DynamicPrefix prefix, final List<PathStep> path)
    {
        return new DynamicName(prefix, path, canonical(prefix, path));
    }

    /**
     * Where a bracketed step ends, for lexers that take a whole name as one word.
     *
     * @param text the text.
     * @param at   the offset of a {@code [}.
     * @return the offset after the matching {@code ]}, or -1 when the step is malformed:
     * neither {@code [digits]} nor {@code ["quoted"]} with only {@code \"} and {@code \\} escapes
     * and no control characters.
     */
    public static int bracketEnd(final CharSequence text, final int at)
    {
        final int length = text.length();
        int i = at + 1;
        if (i >= length)
        {
            return -1;
        }
        if ('"' == text.charAt(i))
        {
            i++;
            while (i < length)
            {
                final char c = text.charAt(i);
                if ('"' == c)
                {
                    return i + 1 < length && ']' == text.charAt(i + 1) ? i + 2 : -1;
                }
                if ('\\' == c)
                {
                    if (i + 1 >= length || ('"' != text.charAt(i + 1) && '\\' != text.charAt(i + 1)))
                    {
                        return -1;
                    }
                    i += 2;
                    continue;
                }
                if (c < 0x20 || 0x7F == c)
                {
                    return -1;
                }
                i++;
            }
            return -1;
        }
        final int digitsStart = i;
        while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9')
        {
            i++;
        }
        return i > digitsStart && i < length && ']' == text.charAt(i) ? i + 1 : -1;
    }

    /**
     * @param c a character.
     * @return true when it may appear in a key written bare, after a dot.
     */
    public static boolean isKeyChar(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '_' == c || '@' == c;
    }

    private static String unquote(final String text, final int openQuote, final int closeQuote)
    {
        final StringBuilder key = new StringBuilder(closeQuote - openQuote);
        for (int i = openQuote + 1; i < closeQuote; i++)
        {
            final char c = text.charAt(i);
            if ('\\' == c)
            {
                key.append(text.charAt(++i));
            }
            else
            {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static String canonical(final DynamicPrefix prefix, final List<PathStep> steps)
    {
        final StringBuilder out = new StringBuilder(prefix.prefix());
        for (final PathStep step : steps)
        {
            if (step.isIndex())
            {
                out.append('[').append(step.index()).append(']');
            }
            else if (isBare(step.key()))
            {
                out.append('.').append(step.key());
            }
            else
            {
                out.append("[\"");
                for (int i = 0; i < step.key().length(); i++)
                {
                    final char c = step.key().charAt(i);
                    if ('"' == c || '\\' == c)
                    {
                        out.append('\\');
                    }
                    out.append(c);
                }
                out.append("\"]");
            }
        }
        return out.toString();
    }

    private static boolean isBare(final String key)
    {
        for (int i = 0; i < key.length(); i++)
        {
            if (!isKeyChar(key.charAt(i)))
            {
                return false;
            }
        }
        return !key.isEmpty();
    }

    private static String quoteHint(final DynamicPrefix prefix)
    {
        return "names under '" + prefix.prefix() + "' are " + prefix.form() +
            "; quote a key with other characters in brackets: " + prefix.prefix() + "[\"user-agent\"]";
    }

    private static String abbreviate(final String text)
    {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
