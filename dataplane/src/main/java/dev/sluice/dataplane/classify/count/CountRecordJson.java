package dev.sluice.dataplane.classify.count;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Renders a {@link CountTable} entry as the count record that leaves the gateway, one JSON object:
 * <pre>
 * {"count":17,"rule":"failed-logins","window_start":"2026-11-27T10:15:00Z","window_end":"2026-11-27T10:16:00Z",
 *  "keys":{"syslog.hostname":"web-1"}}
 * </pre>
 * with {@code "early":true} before {@code "keys"} when the record left before its window's end
 * (its entry was evicted, or the policy switched or the gateway stopped), so that the core can add
 * the records of one key and window up. A key value is a JSON string (text, an address, a repeated
 * field's values joined by commas), a number (a whole number), or {@code null} (the events did not
 * have the field). Times are UTC, to the second (windows are whole seconds). Allocation-free;
 * worker thread only.
 */
public final class CountRecordJson
{
    /** The longest record a plan may produce, well within what an event batch stages. */
    public static final int MAX_RECORD_BYTES = 16 * 1024;

    private static final byte[] COUNT = ascii("{\"count\":");
    private static final byte[] RULE = ascii(",\"rule\":");
    private static final byte[] WINDOW_START = ascii(",\"window_start\":\"");
    private static final byte[] WINDOW_END = ascii("\",\"window_end\":\"");
    private static final byte[] EARLY = ascii(",\"early\":true");
    private static final byte[] KEYS = ascii(",\"keys\":{");
    private static final byte[] NULL = ascii("null");
    private static final byte[] HEX = ascii("0123456789abcdef");
    private static final int TIME_BYTES = 20;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private CountRecordJson()
    {
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A bound on the bytes of a record with these names (as JSON string literals) and at most {@link CountTable#KEY_CHARS} of values. */
    static int maxBytes(final int ruleJsonBytes, final int keyNamesJsonBytes, final int keys)
    {
        return COUNT.length + 20 + RULE.length + ruleJsonBytes + WINDOW_START.length + WINDOW_END.length + 2 * TIME_BYTES + 1 +
            EARLY.length + KEYS.length + keyNamesJsonBytes + keys * 4 + CountTable.KEY_CHARS * 6 + 2 * keys + 2;
    }

    /**
     * @return the record's length written at {@code offset}, or -1 when it does not fit before {@code limit}.
     */
    public static int render(
        final CountTable table,
        final int slot,
        final int entry,
        final boolean early,
        final MutableDirectBuffer target,
        final int offset,
        final int limit)
    {
        final CountPlan plan = table.plan();
        if (limit - offset < plan.maxRecordBytes(slot))
        {
            return -1;
        }
        int at = offset;
        at = put(COUNT, target, at);
        at = putDecimal(table.count(entry), target, at);
        at = put(RULE, target, at);
        at = put(plan.ruleJson(slot), target, at);
        at = put(WINDOW_START, target, at);
        at = putTime(table.windowStartNs(slot) / NANOS_PER_SECOND, target, at);
        at = put(WINDOW_END, target, at);
        at = putTime(table.windowEndNs(slot) / NANOS_PER_SECOND, target, at);
        target.putByte(at++, (byte)'"');
        if (early)
        {
            at = put(EARLY, target, at);
        }
        at = put(KEYS, target, at);
        final int keys = plan.keys(slot).count();
        for (int k = 0; k < keys; k++)
        {
            if (k > 0)
            {
                target.putByte(at++, (byte)',');
            }
            at = put(plan.keyNameJson(slot, k), target, at);
            target.putByte(at++, (byte)':');
            switch (table.keyKind(entry, k))
            {
                case CountTable.ABSENT -> at = put(NULL, target, at);
                case CountTable.NUMBER ->
                {
                    final char[] chars = table.keyChars();
                    final int start = table.keyStart(entry, k);
                    for (int c = 0; c < table.keyLength(entry, k); c++)
                    {
                        target.putByte(at++, (byte)chars[start + c]);
                    }
                }
                default -> at = writeString(table.keyChars(), table.keyStart(entry, k), table.keyLength(entry, k), target, at);
            }
        }
        target.putByte(at++, (byte)'}');
        target.putByte(at++, (byte)'}');
        return at - offset;
    }

    /**
     * Writes a JSON string literal of {@code text}, quotes included, in UTF-8 (off the data path: names).
     *
     * @return the index after it; {@code target} must have room for {@code 6 * length + 2} bytes.
     */
    static int writeString(final String text, final byte[] target, final int at)
    {
        final char[] chars = text.toCharArray();
        return writeString(chars, 0, chars.length, new UnsafeBuffer(target), at);
    }

    private static int writeString(final char[] chars, final int start, final int length, final MutableDirectBuffer target, final int from)
    {
        int at = from;
        target.putByte(at++, (byte)'"');
        final int end = start + length;
        for (int i = start; i < end; i++)
        {
            final char c = chars[i];
            if ('"' == c || '\\' == c)
            {
                target.putByte(at++, (byte)'\\');
                target.putByte(at++, (byte)c);
            }
            else if (c < 0x20 || c == 0x7F)
            {
                at = putEscape(c, target, at);
            }
            else if (c < 0x80)
            {
                target.putByte(at++, (byte)c);
            }
            else if (c < 0x800)
            {
                target.putByte(at++, (byte)(0xC0 | (c >>> 6)));
                target.putByte(at++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1]))
            {
                final int codePoint = Character.toCodePoint(c, chars[++i]);
                target.putByte(at++, (byte)(0xF0 | (codePoint >>> 18)));
                target.putByte(at++, (byte)(0x80 | ((codePoint >>> 12) & 0x3F)));
                target.putByte(at++, (byte)(0x80 | ((codePoint >>> 6) & 0x3F)));
                target.putByte(at++, (byte)(0x80 | (codePoint & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                // A lone surrogate has no UTF-8 form: escaped, the record stays valid JSON.
                at = putEscape(c, target, at);
            }
            else
            {
                target.putByte(at++, (byte)(0xE0 | (c >>> 12)));
                target.putByte(at++, (byte)(0x80 | ((c >>> 6) & 0x3F)));
                target.putByte(at++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        target.putByte(at++, (byte)'"');
        return at;
    }

    private static int putEscape(final char c, final MutableDirectBuffer target, final int from)
    {
        int at = from;
        target.putByte(at++, (byte)'\\');
        target.putByte(at++, (byte)'u');
        for (int shift = 12; shift >= 0; shift -= 4)
        {
            target.putByte(at++, HEX[(c >>> shift) & 0xF]);
        }
        return at;
    }

    private static int put(final byte[] bytes, final MutableDirectBuffer target, final int at)
    {
        target.putBytes(at, bytes);
        return at + bytes.length;
    }

    private static int putDecimal(final long value, final MutableDirectBuffer target, final int at)
    {
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10)
        {
            digits++;
        }
        long rest = value;
        for (int i = at + digits - 1; i >= at; i--)
        {
            target.putByte(i, (byte)('0' + rest % 10));
            rest /= 10;
        }
        return at + digits;
    }

    /** {@code YYYY-MM-DDTHH:MM:SSZ} of epoch seconds (days to civil date: Howard Hinnant's algorithm). */
    private static int putTime(final long epochSeconds, final MutableDirectBuffer target, final int from)
    {
        final long days = Math.floorDiv(epochSeconds, 86_400L);
        final long secondOfDay = Math.floorMod(epochSeconds, 86_400L);
        final long z = days + 719_468L;
        final long era = Math.floorDiv(z, 146_097L);
        final long dayOfEra = z - era * 146_097L;
        final long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long mp = (5 * dayOfYear + 2) / 153;
        final long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        final long month = mp < 10 ? mp + 3 : mp - 9;
        final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        int at = from;
        at = putDigits(year, 4, target, at);
        target.putByte(at++, (byte)'-');
        at = putDigits(month, 2, target, at);
        target.putByte(at++, (byte)'-');
        at = putDigits(day, 2, target, at);
        target.putByte(at++, (byte)'T');
        at = putDigits(secondOfDay / 3_600, 2, target, at);
        target.putByte(at++, (byte)':');
        at = putDigits(secondOfDay / 60 % 60, 2, target, at);
        target.putByte(at++, (byte)':');
        at = putDigits(secondOfDay % 60, 2, target, at);
        target.putByte(at++, (byte)'Z');
        return at;
    }

    private static int putDigits(final long value, final int digits, final MutableDirectBuffer target, final int at)
    {
        long rest = value;
        for (int i = at + digits - 1; i >= at; i--)
        {
            target.putByte(i, (byte)('0' + rest % 10));
            rest /= 10;
        }
        return at + digits;
    }
}
