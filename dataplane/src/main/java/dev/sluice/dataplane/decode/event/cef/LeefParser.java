package dev.sluice.dataplane.decode.event.cef;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.EventParser;
import dev.sluice.dataplane.decode.event.EventText;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * IBM QRadar Log Event Extended Format 1.0 and 2.0, bare or after a syslog header:
 * <pre>
 *   [syslog prefix] LEEF:1.0|Vendor|Product|Version|EventID|key=value&lt;TAB&gt;key=value...
 *   [syslog prefix] LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|key=value&lt;D&gt;key=value...
 * </pre>
 * The LEEF 2.0 delimiter field is one character ({@code ^}), a hex code ({@code x5E}, {@code 0x5E},
 * {@code x09}; above {@code x7F} the character's UTF-8 bytes), or {@code \t}; empty means tab. Some
 * producers leave the field out altogether (sc4s accepts this, so do we): when the text up to the next
 * {@code |} is not a delimiter but holds an {@code =}, it is the first attribute and the delimiter is tab.
 * LEEF 1.0 uses tab, except that attributes holding no tab but a {@code |} are split at {@code |}, as
 * PAN-OS writes them ({@code cat=TRAFFIC|ReceiveTime=...}); with tabs present, a {@code |} stays in the
 * value (CyberArk PTA's {@code Cat=Suspected credentials theft|sev=8|src=src1<TAB>...}, as Tenzir reads it).
 * <p>
 * An attribute is {@code key=value}, split at the first {@code =}; the value keeps every other byte
 * (spaces, {@code =}), a backslash before the delimiter makes it part of the value, and empty attributes
 * (two delimiters in a row, a trailing delimiter) are skipped. Header fields may escape {@code \|} and
 * {@code \\}. Policy names: {@code leef.version} (text, as written: {@code 1.0}), {@code leef.vendor},
 * {@code leef.product}, {@code leef.product_version}, {@code leef.event_id}, {@code leef.delimiter} (the
 * delimiter itself), {@code leef.<key>} for each attribute ({@code leef.src}, {@code leef.usrName}), and
 * {@code leef.syslog_prefix_length} when a syslog header came first. A value that is, as a whole, an IPv4
 * or IPv6 address is reported as an address; every other value is text.
 * <p>
 * Rejections: {@code not_leef}, {@code invalid_version} (not 1.0 or 2.0), {@code missing_header_field},
 * {@code invalid_delimiter}, {@code invalid_extension} (an attribute without {@code =}, or with an empty
 * key), {@code too_many_extensions} (more attributes than the index holds; the event is rejected, not cut).
 * <p>
 * Confined to one thread; reusable.
 */
public final class LeefParser implements EventParser
{
    public static final int VERSION = 0;
    public static final int VENDOR = 1;
    public static final int PRODUCT = 2;
    public static final int PRODUCT_VERSION = 3;
    public static final int EVENT_ID = 4;
    static final int HEADER_FIELDS = 5;

    public static final String NOT_LEEF = "not_leef";
    public static final String INVALID_VERSION = "invalid_version";
    public static final String MISSING_HEADER_FIELD = "missing_header_field";
    public static final String INVALID_DELIMITER = "invalid_delimiter";
    public static final String INVALID_EXTENSION = "invalid_extension";
    public static final String TOO_MANY_EXTENSIONS = "too_many_extensions";

    public static final int DEFAULT_MAX_ATTRIBUTES = 256;
    /** How far into a message the {@code LEEF:} marker is looked for (the longest syslog header accepted). */
    public static final int MAX_SYSLOG_PREFIX_BYTES = 1024;
    private static final int MAX_DELIMITER_BYTES = 4;
    private static final int MAX_HEX_DIGITS = 4;
    private static final long PIPE = ByteScan.pattern((byte)'|');
    private static final long TAB = ByteScan.pattern((byte)'\t');
    private static final long BACKSLASH = ByteScan.pattern((byte)'\\');
    private static final long EQUALS = ByteScan.pattern((byte)'=');
    private static final String[] HEADER_NAMES = {
        "leef.version", "leef.vendor", "leef.product", "leef.product_version", "leef.event_id"};

    private final KeyValueIndex index;
    private final int[] headerOffset = new int[HEADER_FIELDS];
    private final int[] headerLength = new int[HEADER_FIELDS];
    private final byte[] delimiter = new byte[MAX_DELIMITER_BYTES];
    private final AddressText address = new AddressText();

    private MemorySegment segment;
    private long base;
    private int length;
    private int syslogPrefixLength;
    private int version;
    private int delimiterLength;
    private int attributesOffset;
    private String rejectReason;
    private int rejectOffset = -1;

    /** A parser holding up to {@value #DEFAULT_MAX_ATTRIBUTES} attributes. */
    public LeefParser()
    {
        this(DEFAULT_MAX_ATTRIBUTES);
    }

    /**
     * @param maxAttributes the most attributes an event may have before it is rejected as
     *                      {@code too_many_extensions}.
     */
    public LeefParser(final int maxAttributes)
    {
        if (maxAttributes < 1)
        {
            throw new IllegalArgumentException("maxAttributes must be at least 1: " + maxAttributes);
        }
        this.index = new KeyValueIndex(maxAttributes);
    }

    @Override
    public boolean parse(final MemorySegment segment, final long offset, final int length)
    {
        this.segment = segment;
        this.base = offset;
        this.length = SyslogPrefix.withoutLineEnd(segment, offset, length);
        index.clear();
        syslogPrefixLength = 0;
        version = -1;
        delimiter[0] = '\t';
        delimiterLength = 1;
        attributesOffset = this.length;
        rejectReason = null;
        rejectOffset = -1;

        final int marker = SyslogPrefix.markerOffset(segment, offset, this.length, SyslogPrefix.LEEF_MARKER,
            MAX_SYSLOG_PREFIX_BYTES);
        if (marker < 0)
        {
            return reject(NOT_LEEF, 0);
        }
        syslogPrefixLength = marker;
        int p = marker + SyslogPrefix.LEEF_MARKER.length;
        while (p < this.length && ' ' == at(p))
        {
            p++;
        }
        for (int field = VERSION; field <= EVENT_ID; field++)
        {
            p = parseHeaderField(field, p);
            if (p < 0)
            {
                return false;
            }
        }
        if (!parseVersion())
        {
            return false;
        }
        if (2 == version)
        {
            p = parseDelimiterField(p);
            if (p < 0)
            {
                return false;
            }
            if (1 == delimiterLength && '=' == delimiter[0])
            {
                return reject(INVALID_DELIMITER, headerOffset[EVENT_ID] + headerLength[EVENT_ID] + 1);
            }
        }
        else
        {
            chooseLeef1Delimiter(p);
        }
        attributesOffset = Math.min(p, this.length);
        return parseAttributes(attributesOffset);
    }

    @Override
    public String rejectReason()
    {
        return rejectReason;
    }

    @Override
    public int rejectOffset()
    {
        return rejectOffset;
    }

    /**
     * @return how many bytes of syslog header came before {@code LEEF:}; 0 for a bare LEEF message.
     */
    public int syslogPrefixLength()
    {
        return syslogPrefixLength;
    }

    /**
     * @return 1 or 2.
     */
    public int version()
    {
        return version;
    }

    /**
     * @return the attribute delimiter's length in bytes (1 unless a non-ASCII character was given).
     */
    public int delimiterLength()
    {
        return delimiterLength;
    }

    /**
     * @param i below {@link #delimiterLength()}.
     * @return the delimiter's byte {@code i}.
     */
    public byte delimiterByte(final int i)
    {
        return delimiter[i];
    }

    public int headerOffset(final int field)
    {
        return headerOffset[field];
    }

    public int headerLength(final int field)
    {
        return headerLength[field];
    }

    /**
     * @param field {@link #VERSION} .. {@link #EVENT_ID}.
     * @param out   receives the field with {@code \|} and {@code \\} resolved.
     * @return {@code out}.
     */
    public EventText header(final int field, final EventText out)
    {
        return KeyValueIndex.pipeEscapedText(segment, base, headerOffset[field], headerLength[field], out);
    }

    public EventText vendor(final EventText out)
    {
        return header(VENDOR, out);
    }

    public EventText product(final EventText out)
    {
        return header(PRODUCT, out);
    }

    public EventText productVersion(final EventText out)
    {
        return header(PRODUCT_VERSION, out);
    }

    public EventText eventId(final EventText out)
    {
        return header(EVENT_ID, out);
    }

    /**
     * @return where the attributes start, from the message's start.
     */
    public int attributesOffset()
    {
        return attributesOffset;
    }

    public int attributeCount()
    {
        return index.count();
    }

    public int attributeKeyOffset(final int i)
    {
        return index.keyOffset[i];
    }

    public int attributeKeyLength(final int i)
    {
        return index.keyLength[i];
    }

    public int attributeValueOffset(final int i)
    {
        return index.valueOffset[i];
    }

    /**
     * @return the raw length of attribute {@code i}'s value (an escaped delimiter counts its backslash).
     */
    public int attributeValueLength(final int i)
    {
        return index.valueLength[i];
    }

    public EventText attributeKey(final int i, final EventText out)
    {
        return index.key(i, segment, base, out);
    }

    /**
     * @param i   an attribute, below {@link #attributeCount()}.
     * @param out receives the value, escaped delimiters resolved.
     * @return {@code out}.
     */
    public EventText attributeValue(final int i, final EventText out)
    {
        final int from = index.valueOffset[i];
        final int count = index.valueLength[i];
        if (!index.escaped[i])
        {
            return out.set(segment, base + from, count);
        }
        out.clear();
        final int end = from + count;
        for (int k = from; k < end; k++)
        {
            if ('\\' == at(k) && isDelimiterAt(k + 1, end))
            {
                continue;
            }
            out.append(at(k));
        }
        return out;
    }

    public int findAttribute(final CharSequence key)
    {
        return index.find(segment, base, key);
    }

    /**
     * Looks a value up by key without allocating.
     *
     * @param key an attribute key, e.g. {@code "usrName"}.
     * @param out receives the value; emptied when the key is absent.
     * @return true when the event has the attribute.
     */
    public boolean attribute(final CharSequence key, final EventText out)
    {
        final int i = index.find(segment, base, key);
        if (i < 0)
        {
            out.clear();
            return false;
        }
        attributeValue(i, out);
        return true;
    }

    /**
     * @param key an attribute key ({@code src}, {@code dst}, {@code srcPostNAT}, ...).
     * @return 4 or 6 when present and its whole value is an address ({@link #address()} holds it), else 0.
     */
    public int attributeAddress(final CharSequence key)
    {
        return index.address(segment, base, key, address);
    }

    public AddressText address()
    {
        return address;
    }

    public MemorySegment segment()
    {
        return segment;
    }

    public long messageOffset()
    {
        return base;
    }

    @Override
    public void visitFields(final EventFieldVisitor visitor)
    {
        if (null != rejectReason || null == segment)
        {
            return;
        }
        final EventText text = new EventText(Math.max(1, length));
        if (syslogPrefixLength > 0)
        {
            visitor.integer("leef.syslog_prefix_length", syslogPrefixLength);
        }
        for (int field = VERSION; field <= EVENT_ID; field++)
        {
            visitor.text(HEADER_NAMES[field], header(field, text));
        }
        text.clear();
        for (int k = 0; k < delimiterLength; k++)
        {
            text.append(delimiter[k]);
        }
        visitor.text("leef.delimiter", text);
        final AddressText value = new AddressText();
        for (int i = 0; i < index.count(); i++)
        {
            final String name = "leef." + attributeKey(i, text);
            if (!index.escaped[i] && value.parse(segment, base + index.valueOffset[i], index.valueLength[i]) != 0)
            {
                visitor.address(name, value.version(), value.high(), value.low());
            }
            else
            {
                visitor.text(name, attributeValue(i, text));
            }
        }
    }

    private int parseHeaderField(final int field, final int from)
    {
        int p = from;
        while (true)
        {
            p = ByteScan.indexOfAny(segment, base, p, length, PIPE, BACKSLASH, PIPE);
            if (p >= length || '|' == at(p))
            {
                break;
            }
            p += p + 1 < length && ('|' == at(p + 1) || '\\' == at(p + 1)) ? 2 : 1;
        }
        if (p >= length && field != EVENT_ID)
        {
            reject(MISSING_HEADER_FIELD, p);
            return -1;
        }
        headerOffset[field] = from;
        headerLength[field] = p - from;
        return p + 1;
    }

    private boolean parseVersion()
    {
        final int from = headerOffset[VERSION];
        int end = from + headerLength[VERSION];
        while (end > from && ' ' == at(end - 1))
        {
            end--;
        }
        final int count = end - from;
        final byte major = count > 0 ? at(from) : 0;
        final boolean wellFormed = ('1' == major || '2' == major) &&
            (1 == count || (3 == count && '.' == at(from + 1) && '0' == at(from + 2)));
        if (!wellFormed)
        {
            return reject(INVALID_VERSION, from);
        }
        version = major - '0';
        return true;
    }

    /**
     * @return where the attributes start, or -1 after rejecting.
     */
    private int parseDelimiterField(final int from)
    {
        if (from >= length)
        {
            return from;
        }
        int end = from;
        while (end < length && '|' != at(end))
        {
            end++;
        }
        if (end >= length)
        {
            // No delimiter field: the rest is attributes, tab-separated.
            return from;
        }
        final int count = end - from;
        if (0 == count)
        {
            return end + 1;
        }
        if (1 == count)
        {
            delimiter[0] = at(from);
            return end + 1;
        }
        if (2 == count && '\\' == at(from) && 't' == at(from + 1))
        {
            return end + 1;
        }
        if (singleUtf8Character(from, count))
        {
            for (int k = 0; k < count; k++)
            {
                delimiter[k] = at(from + k);
            }
            delimiterLength = count;
            return end + 1;
        }
        final int codePoint = hexDelimiter(from, count);
        if (codePoint > 0)
        {
            encodeUtf8(codePoint);
            return end + 1;
        }
        for (int k = from; k < end; k++)
        {
            if ('=' == at(k))
            {
                // Delimiter field left out; what follows LEEF 2.0's EventID is the first attribute.
                return from;
            }
        }
        reject(INVALID_DELIMITER, from);
        return -1;
    }

    /**
     * @return the code point of {@code x5E}, {@code 0x5E}, {@code X09}, ..., or -1.
     */
    private int hexDelimiter(final int from, final int count)
    {
        int p = from;
        if (count > 2 && '0' == at(p) && ('x' == (at(p + 1) | 0x20)))
        {
            p += 2;
        }
        else if ('x' == (at(p) | 0x20))
        {
            p++;
        }
        else
        {
            return -1;
        }
        final int end = from + count;
        if (end - p < 1 || end - p > MAX_HEX_DIGITS)
        {
            return -1;
        }
        int value = 0;
        for (; p < end; p++)
        {
            final byte b = at(p);
            final int digit;
            if (b >= '0' && b <= '9')
            {
                digit = b - '0';
            }
            else if ((b | 0x20) >= 'a' && (b | 0x20) <= 'f')
            {
                digit = (b | 0x20) - 'a' + 10;
            }
            else
            {
                return -1;
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    private void encodeUtf8(final int codePoint)
    {
        if (codePoint < 0x80)
        {
            delimiter[0] = (byte)codePoint;
            delimiterLength = 1;
        }
        else if (codePoint < 0x800)
        {
            delimiter[0] = (byte)(0xC0 | (codePoint >>> 6));
            delimiter[1] = (byte)(0x80 | (codePoint & 0x3F));
            delimiterLength = 2;
        }
        else
        {
            delimiter[0] = (byte)(0xE0 | (codePoint >>> 12));
            delimiter[1] = (byte)(0x80 | ((codePoint >>> 6) & 0x3F));
            delimiter[2] = (byte)(0x80 | (codePoint & 0x3F));
            delimiterLength = 3;
        }
    }

    private boolean singleUtf8Character(final int from, final int count)
    {
        final int lead = at(from) & 0xFF;
        final int expected = lead >= 0xF0 && lead < 0xF8 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
        if (expected != count || lead >= 0xF8)
        {
            return false;
        }
        for (int k = 1; k < count; k++)
        {
            if ((at(from + k) & 0xC0) != 0x80)
            {
                return false;
            }
        }
        return true;
    }

    /** LEEF 1.0: tab, or {@code |} when the attributes hold no tab but a {@code |} (PAN-OS). */
    private void chooseLeef1Delimiter(final int from)
    {
        final int first = ByteScan.indexOfAny(segment, base, from, length, TAB, PIPE, PIPE);
        if (first < length && '|' == at(first) && ByteScan.indexOfAny(segment, base, first, length, TAB, TAB, TAB) == length)
        {
            delimiter[0] = '|';
        }
    }

    private boolean parseAttributes(final int from)
    {
        final long lead = ByteScan.pattern(delimiter[0]);
        final byte leadByte = delimiter[0];
        int p = from;
        while (p < length)
        {
            final int start = p;
            int equals = -1;
            boolean hasEscape = false;
            while (true)
            {
                p = ByteScan.indexOfAny(segment, base, p, length, lead, BACKSLASH, EQUALS);
                if (p >= length)
                {
                    break;
                }
                final byte b = at(p);
                if (leadByte == b && isDelimiterAt(p, length))
                {
                    break;
                }
                if ('=' == b && equals < 0)
                {
                    equals = p;
                    p++;
                }
                else if ('\\' == b && isDelimiterAt(p + 1, length))
                {
                    hasEscape = true;
                    p += 1 + delimiterLength;
                }
                else
                {
                    p++;
                }
            }
            if (p > start)
            {
                if (equals <= start)
                {
                    return reject(INVALID_EXTENSION, equals < 0 ? start : equals);
                }
                if (!index.add(start, equals - start, equals + 1, p - equals - 1, hasEscape))
                {
                    return reject(TOO_MANY_EXTENSIONS, start);
                }
            }
            p += delimiterLength;
        }
        return true;
    }

    private boolean isDelimiterAt(final int p, final int end)
    {
        if (p + delimiterLength > end)
        {
            return false;
        }
        for (int k = 0; k < delimiterLength; k++)
        {
            if (at(p + k) != delimiter[k])
            {
                return false;
            }
        }
        return true;
    }

    private byte at(final int i)
    {
        return segment.get(ValueLayout.JAVA_BYTE, base + i);
    }

    private boolean reject(final String reason, final int offset)
    {
        rejectReason = reason;
        rejectOffset = offset;
        index.clear();
        return false;
    }
}
