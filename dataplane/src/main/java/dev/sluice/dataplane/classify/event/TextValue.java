package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.decode.event.cef.AddressText;

import java.lang.foreign.MemorySegment;

/**
 * A reusable text value of an event field and its readings as the policy's other types, as
 * {@link dev.sluice.policy.field.FieldReader} defines them for values that arrive as text (a
 * structured-data parameter, a CEF extension, a LEEF attribute, a JSON string): an integer is a
 * plain decimal number, digits with an optional fraction that is truncated toward zero, at most
 * 2^63-1 (a sign, an exponent, spaces or anything else make it absent); an address is the whole
 * text as IPv4 or IPv6. Allocation-free; one worker thread.
 */
final class TextValue
{
    /** What {@link #integer()} returns when the text is not a plain decimal number in range. */
    static final long ABSENT = -1;
    /** Large enough for a syslog message or a JSON value a policy compares as a whole. */
    static final int CAPACITY = 65_536;

    private final EventText text;
    private final MemorySegment view;
    private final AddressText address = new AddressText();

    TextValue()
    {
        this(CAPACITY);
    }

    TextValue(final int capacity)
    {
        text = new EventText(capacity);
        view = MemorySegment.ofArray(text.bytes());
    }

    /**
     * @return the flyweight to fill; valid until filled again.
     */
    EventText text()
    {
        return text;
    }

    /**
     * @return the text as a whole number 0..2^63-1 (fraction truncated), or {@link #ABSENT}.
     */
    long integer()
    {
        return parseInteger(text.bytes(), text.length());
    }

    /**
     * @return 4 or 6 when the whole text is an address ({@link #address()} holds it), else 0.
     */
    int parseAddress()
    {
        return address.parse(view, 0, text.length());
    }

    /**
     * @return the address last read by {@link #parseAddress()}.
     */
    AddressText address()
    {
        return address;
    }

    /**
     * @param bytes  ASCII digits.
     * @param length how many bytes.
     * @return the value, or {@link #ABSENT}.
     */
    static long parseInteger(final byte[] bytes, final int length)
    {
        if (0 == length)
        {
            return ABSENT;
        }
        long value = 0;
        int i = 0;
        while (i < length && bytes[i] >= '0' && bytes[i] <= '9')
        {
            final int digit = bytes[i] - '0';
            if (value > (Long.MAX_VALUE - digit) / 10)
            {
                return ABSENT;
            }
            value = value * 10 + digit;
            i++;
        }
        if (0 == i)
        {
            return ABSENT;
        }
        if (i < length)
        {
            if ('.' != bytes[i] || i + 1 == length)
            {
                return ABSENT;
            }
            for (int k = i + 1; k < length; k++)
            {
                if (bytes[k] < '0' || bytes[k] > '9')
                {
                    return ABSENT;
                }
            }
        }
        return value;
    }

    /**
     * @param value a number.
     * @return its integer reading: truncated toward zero; {@link #ABSENT} when negative, NaN or above 2^63-1.
     */
    static long truncate(final double value)
    {
        // 0x1p63 is 2^63: every double from there on is above Long.MAX_VALUE.
        if (!(value >= 0) || value >= 0x1p63)
        {
            return ABSENT;
        }
        return (long)value;
    }
}
