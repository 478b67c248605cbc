package dev.sluice.dataplane.decode.event.cef;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.EventParser;
import dev.sluice.dataplane.decode.event.EventText;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * ArcSight Common Event Format, bare or after a syslog header:
 * <pre>
 *   [syslog prefix] CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
 *   Extension = key=value key=value ...   (a value runs, spaces and all, until the space before the next key=)
 * </pre>
 * Header fields escape {@code \|} and {@code \\}; extension values escape {@code \=}, {@code \\},
 * {@code \n}, {@code \r} (and {@code \|}, which some producers write). Policy names: {@code cef.version},
 * {@code cef.device_vendor}, {@code cef.device_product}, {@code cef.device_version},
 * {@code cef.signature_id}, {@code cef.name}, {@code cef.severity}, {@code cef.severity_level}, and
 * {@code cef.<key>} for each extension key as written ({@code cef.src}, {@code cef.cs1},
 * {@code cef.cs1Label}: a custom field and its label are two plain keys), plus
 * {@code cef.syslog_prefix_length} when a syslog header came first.
 * <p>
 * What real producers send decides the leniency (the default; see {@link #CefParser(int, boolean)} for
 * strict mode): a backslash before any other character is kept as written ({@code filePath=C:\Users\x}),
 * an unescaped {@code =} that does not start a new key stays in the value, a severity outside 0-10 and
 * the five level words ({@code None}, {@code 25}) is kept as text, spaces may follow {@code CEF:}.
 * Trailing spaces of a value are not part of it ({@code dst=0.0.0.0  dpt=1}); leading ones are. A key is
 * letters, digits, {@code _ . - [ ]}. When several pairs share a key, lookups find the first; the visitor
 * sees all.
 * <p>
 * Typing for {@link #visitFields}: {@code cef.version} and a numeric severity are integers; an
 * extension value that is, as a whole, an IPv4 or IPv6 address is reported as an address, whatever its
 * key (vendor keys such as {@code ESAHeloIP} or {@code c6a1} carry addresses too, and anonymization
 * must see them); every other value is text.
 * <p>
 * Rejections (constant reasons, offset from the message's start): {@code not_cef} (no marker in the first
 * {@value #MAX_SYSLOG_PREFIX_BYTES} bytes), {@code invalid_version}, {@code missing_header_field},
 * {@code invalid_extension} (the extension does not start with {@code key=}), {@code too_many_extensions}
 * (more pairs than the index holds: the whole event is rejected rather than silently cut, so that a
 * policy never misses a field it tests); strict mode adds {@code invalid_severity} and {@code bad_escape}.
 * <p>
 * Confined to one thread; reusable.
 */
public final class CefParser implements EventParser
{
    public static final int VERSION = 0;
    public static final int DEVICE_VENDOR = 1;
    public static final int DEVICE_PRODUCT = 2;
    public static final int DEVICE_VERSION = 3;
    public static final int SIGNATURE_ID = 4;
    public static final int NAME = 5;
    public static final int SEVERITY = 6;
    static final int HEADER_FIELDS = 7;

    /** Severity levels, as CEF names them: 0-3 Low, 4-6 Medium, 7-8 High, 9-10 Very-High. */
    public static final int LEVEL_UNRECOGNIZED = -1;
    public static final int LEVEL_UNKNOWN = 0;
    public static final int LEVEL_LOW = 1;
    public static final int LEVEL_MEDIUM = 2;
    public static final int LEVEL_HIGH = 3;
    public static final int LEVEL_VERY_HIGH = 4;
    static final String[] LEVEL_NAMES = {"Unknown", "Low", "Medium", "High", "Very-High"};
    private static final byte[][] LEVEL_WORDS = {
        "unknown".getBytes(StandardCharsets.US_ASCII), "low".getBytes(StandardCharsets.US_ASCII),
        "medium".getBytes(StandardCharsets.US_ASCII), "high".getBytes(StandardCharsets.US_ASCII),
        "very-high".getBytes(StandardCharsets.US_ASCII)};

    public static final String NOT_CEF = "not_cef";
    public static final String INVALID_VERSION = "invalid_version";
    public static final String MISSING_HEADER_FIELD = "missing_header_field";
    public static final String INVALID_SEVERITY = "invalid_severity";
    public static final String INVALID_EXTENSION = "invalid_extension";
    public static final String BAD_ESCAPE = "bad_escape";
    public static final String TOO_MANY_EXTENSIONS = "too_many_extensions";

    public static final int DEFAULT_MAX_EXTENSIONS = 256;
    /** How far into a message the {@code CEF:} marker is looked for (the longest syslog header accepted). */
    public static final int MAX_SYSLOG_PREFIX_BYTES = 1024;
    private static final int MAX_VERSION_DIGITS = 3;
    private static final long PIPE = ByteScan.pattern((byte)'|');
    private static final long BACKSLASH = ByteScan.pattern((byte)'\\');
    private static final long SPACE = ByteScan.pattern((byte)' ');
    private static final long EQUALS = ByteScan.pattern((byte)'=');
    private static final String[] HEADER_NAMES = {
        "cef.version", "cef.device_vendor", "cef.device_product", "cef.device_version", "cef.signature_id", "cef.name",
        "cef.severity"};

    private final boolean strict;
    private final KeyValueIndex index;
    private final int[] headerOffset = new int[HEADER_FIELDS];
    private final int[] headerLength = new int[HEADER_FIELDS];
    private final AddressText address = new AddressText();

    private MemorySegment segment;
    private long base;
    private int length;
    private int syslogPrefixLength;
    private int version;
    private int severity;
    private int severityLevel;
    private int extensionOffset;
    private String rejectReason;
    private int rejectOffset = -1;

    /** A lenient parser holding up to {@value #DEFAULT_MAX_EXTENSIONS} extension pairs. */
    public CefParser()
    {
        this(DEFAULT_MAX_EXTENSIONS, false);
    }

    /**
     * @param maxExtensions the most extension pairs an event may have before it is rejected as
     *                      {@code too_many_extensions}.
     * @param strict        true to reject what the specification forbids and producers nevertheless send: an
     *                      escape other than those listed above ({@code bad_escape}), a severity that is neither
     *                      0-10 nor Unknown/Low/Medium/High/Very-High ({@code invalid_severity}), an unescaped
     *                      {@code =} inside a value ({@code invalid_extension}).
     */
    public CefParser(final int maxExtensions, final boolean strict)
    {
        if (maxExtensions < 1)
        {
            throw new IllegalArgumentException("maxExtensions must be at least 1: " + maxExtensions);
        }
        this.strict = strict;
        this.index = new KeyValueIndex(maxExtensions);
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
        severity = -1;
        severityLevel = LEVEL_UNRECOGNIZED;
        extensionOffset = this.length;
        rejectReason = null;
        rejectOffset = -1;

        final int marker = SyslogPrefix.markerOffset(segment, offset, this.length, SyslogPrefix.CEF_MARKER,
            MAX_SYSLOG_PREFIX_BYTES);
        if (marker < 0)
        {
            return reject(NOT_CEF, 0);
        }
        syslogPrefixLength = marker;
        int p = marker + SyslogPrefix.CEF_MARKER.length;
        while (p < this.length && ' ' == at(p))
        {
            p++;
        }
        p = parseVersion(p);
        if (p < 0)
        {
            return false;
        }
        for (int field = DEVICE_VENDOR; field <= SEVERITY; field++)
        {
            p = parseHeaderField(field, p);
            if (p < 0)
            {
                return false;
            }
        }
        if (!parseSeverity())
        {
            return false;
        }
        extensionOffset = Math.min(p, this.length);
        return parseExtension(extensionOffset);
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
     * @return how many bytes of syslog header came before {@code CEF:} (the prefix is the message's first
     * bytes, separating space included); 0 for a bare CEF message.
     */
    public int syslogPrefixLength()
    {
        return syslogPrefixLength;
    }

    /**
     * @return the CEF version (0 or 1 in practice).
     */
    public int version()
    {
        return version;
    }

    /**
     * @return the numeric severity 0-10, or -1 when the header gives a word or something else.
     */
    public int severity()
    {
        return severity;
    }

    /**
     * @return {@link #LEVEL_UNKNOWN} .. {@link #LEVEL_VERY_HIGH} from the number or the word, or
     * {@link #LEVEL_UNRECOGNIZED}.
     */
    public int severityLevel()
    {
        return severityLevel;
    }

    /**
     * @param field {@link #VERSION} .. {@link #SEVERITY}.
     * @return where the field's raw bytes start, from the message's start.
     */
    public int headerOffset(final int field)
    {
        return headerOffset[field];
    }

    /**
     * @param field {@link #VERSION} .. {@link #SEVERITY}.
     * @return the field's raw length in bytes (escapes not resolved).
     */
    public int headerLength(final int field)
    {
        return headerLength[field];
    }

    /**
     * @param field {@link #VERSION} .. {@link #SEVERITY}.
     * @param out   receives the field with {@code \|} and {@code \\} resolved.
     * @return {@code out}.
     */
    public EventText header(final int field, final EventText out)
    {
        return KeyValueIndex.pipeEscapedText(segment, base, headerOffset[field], headerLength[field], out);
    }

    public EventText deviceVendor(final EventText out)
    {
        return header(DEVICE_VENDOR, out);
    }

    public EventText deviceProduct(final EventText out)
    {
        return header(DEVICE_PRODUCT, out);
    }

    public EventText deviceVersion(final EventText out)
    {
        return header(DEVICE_VERSION, out);
    }

    public EventText signatureId(final EventText out)
    {
        return header(SIGNATURE_ID, out);
    }

    public EventText name(final EventText out)
    {
        return header(NAME, out);
    }

    /**
     * @return where the extension starts, from the message's start (the message's length when there is none).
     */
    public int extensionOffset()
    {
        return extensionOffset;
    }

    /**
     * @return how many key=value pairs the extension holds.
     */
    public int extensionCount()
    {
        return index.count();
    }

    public int extensionKeyOffset(final int i)
    {
        return index.keyOffset[i];
    }

    public int extensionKeyLength(final int i)
    {
        return index.keyLength[i];
    }

    /**
     * @return where pair {@code i}'s raw value starts, from the message's start.
     */
    public int extensionValueOffset(final int i)
    {
        return index.valueOffset[i];
    }

    /**
     * @return the raw length of pair {@code i}'s value (escapes not resolved, trailing spaces excluded).
     */
    public int extensionValueLength(final int i)
    {
        return index.valueLength[i];
    }

    /**
     * @param i   a pair, below {@link #extensionCount()}.
     * @param out receives the key.
     * @return {@code out}.
     */
    public EventText extensionKey(final int i, final EventText out)
    {
        return index.key(i, segment, base, out);
    }

    /**
     * @param i   a pair, below {@link #extensionCount()}.
     * @param out receives the value with escapes resolved.
     * @return {@code out}.
     */
    public EventText extensionValue(final int i, final EventText out)
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
            byte b = at(k);
            if ('\\' == b && k + 1 < end)
            {
                final byte decoded = unescapeExtension(at(k + 1));
                if (0 != decoded)
                {
                    b = decoded;
                    k++;
                }
            }
            out.append(b);
        }
        return out;
    }

    /**
     * @param key an extension key, e.g. {@code "src"}.
     * @return the index of the first pair with that key, or -1.
     */
    public int findExtension(final CharSequence key)
    {
        return index.find(segment, base, key);
    }

    /**
     * Looks a value up by key without allocating.
     *
     * @param key an extension key, e.g. {@code "suser"}.
     * @param out receives the value with escapes resolved; emptied when the key is absent.
     * @return true when the extension has the key.
     */
    public boolean extension(final CharSequence key, final EventText out)
    {
        final int i = index.find(segment, base, key);
        if (i < 0)
        {
            out.clear();
            return false;
        }
        extensionValue(i, out);
        return true;
    }

    /**
     * Reads a value as an address ({@code src}, {@code dst}, {@code dvc}, ...); the result stays in
     * {@link #address()} until the next call.
     *
     * @param key an extension key.
     * @return 4 or 6 when the key is present and its whole value is an address, else 0.
     */
    public int extensionAddress(final CharSequence key)
    {
        return index.address(segment, base, key, address);
    }

    /**
     * @return the address read by the last {@link #extensionAddress} call.
     */
    public AddressText address()
    {
        return address;
    }

    /**
     * @return the segment of the last parsed message (offsets above are from {@link #messageOffset()} in it).
     */
    public MemorySegment segment()
    {
        return segment;
    }

    /**
     * @return where the last parsed message starts in {@link #segment()}.
     */
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
            visitor.integer("cef.syslog_prefix_length", syslogPrefixLength);
        }
        visitor.integer(HEADER_NAMES[VERSION], version);
        for (int field = DEVICE_VENDOR; field < SEVERITY; field++)
        {
            visitor.text(HEADER_NAMES[field], header(field, text));
        }
        if (severity >= 0)
        {
            visitor.integer(HEADER_NAMES[SEVERITY], severity);
        }
        else
        {
            visitor.text(HEADER_NAMES[SEVERITY], header(SEVERITY, text));
        }
        if (severityLevel != LEVEL_UNRECOGNIZED)
        {
            visitor.text("cef.severity_level", LEVEL_NAMES[severityLevel]);
        }
        final AddressText value = new AddressText();
        for (int i = 0; i < index.count(); i++)
        {
            final String name = "cef." + extensionKey(i, text);
            if (!index.escaped[i] && value.parse(segment, base + index.valueOffset[i], index.valueLength[i]) != 0)
            {
                visitor.address(name, value.version(), value.high(), value.low());
            }
            else
            {
                visitor.text(name, extensionValue(i, text));
            }
        }
    }

    private int parseVersion(final int from)
    {
        int p = from;
        int value = 0;
        while (p < length && p - from < MAX_VERSION_DIGITS)
        {
            final byte b = at(p);
            if (b < '0' || b > '9')
            {
                break;
            }
            value = value * 10 + (b - '0');
            p++;
        }
        if (p == from || p >= length || '|' != at(p))
        {
            reject(p >= length ? MISSING_HEADER_FIELD : INVALID_VERSION, p);
            return -1;
        }
        version = value;
        headerOffset[VERSION] = from;
        headerLength[VERSION] = p - from;
        return p + 1;
    }

    /**
     * @return where the next field starts, or -1 after rejecting.
     */
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
            if (p + 1 < length && ('|' == at(p + 1) || '\\' == at(p + 1)))
            {
                p += 2;
            }
            else if (strict)
            {
                reject(BAD_ESCAPE, p);
                return -1;
            }
            else
            {
                p++;
            }
        }
        if (p >= length && field != SEVERITY)
        {
            reject(MISSING_HEADER_FIELD, p);
            return -1;
        }
        headerOffset[field] = from;
        headerLength[field] = p - from;
        return p + 1;
    }

    private boolean parseSeverity()
    {
        int from = headerOffset[SEVERITY];
        int end = from + headerLength[SEVERITY];
        while (from < end && ' ' == at(from))
        {
            from++;
        }
        while (end > from && ' ' == at(end - 1))
        {
            end--;
        }
        int value = 0;
        int p = from;
        while (p < end && p - from < MAX_VERSION_DIGITS)
        {
            final byte b = at(p);
            if (b < '0' || b > '9')
            {
                break;
            }
            value = value * 10 + (b - '0');
            p++;
        }
        if (p == end && p > from && value <= 10)
        {
            severity = value;
            severityLevel = value <= 3 ? LEVEL_LOW : value <= 6 ? LEVEL_MEDIUM : value <= 8 ? LEVEL_HIGH : LEVEL_VERY_HIGH;
            return true;
        }
        for (int level = LEVEL_UNKNOWN; level <= LEVEL_VERY_HIGH; level++)
        {
            if (equalsIgnoreCase(from, end - from, LEVEL_WORDS[level]))
            {
                severityLevel = level;
                return true;
            }
        }
        return !strict || reject(INVALID_SEVERITY, headerOffset[SEVERITY]);
    }

    private boolean equalsIgnoreCase(final int from, final int count, final byte[] word)
    {
        if (count != word.length)
        {
            return false;
        }
        for (int k = 0; k < count; k++)
        {
            if ((at(from + k) | 0x20) != word[k])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Indexes {@code key=value key=value ...}: a value ends at the last space before the next
     * unescaped {@code =} whose preceding word is a well-formed key.
     */
    private boolean parseExtension(final int from)
    {
        int p = from;
        while (p < length && ' ' == at(p))
        {
            p++;
        }
        if (p >= length)
        {
            return true;
        }
        int keyStart = p;
        while (p < length && isKeyChar(at(p)))
        {
            p++;
        }
        if (p == keyStart || p >= length || '=' != at(p))
        {
            return reject(INVALID_EXTENSION, p >= length ? keyStart : p);
        }
        int keyEnd = p;
        int valueStart = p + 1;
        boolean hasEscape = false;
        // Where a key could start: after the last space, unless a backslash came since (keys hold none).
        int candidateStart = -1;
        p = valueStart;
        while (true)
        {
            p = ByteScan.indexOfAny(segment, base, p, length, SPACE, BACKSLASH, EQUALS);
            if (p >= length)
            {
                break;
            }
            final byte b = at(p);
            if (' ' == b)
            {
                candidateStart = p + 1;
                p++;
            }
            else if ('\\' == b)
            {
                hasEscape = true;
                candidateStart = -1;
                if (p + 1 < length && 0 != unescapeExtension(at(p + 1)))
                {
                    p += 2;
                }
                else if (strict)
                {
                    return reject(BAD_ESCAPE, p);
                }
                else
                {
                    p++;
                }
            }
            else
            {
                if (candidateStart >= 0 && p > candidateStart && allKeyChars(candidateStart, p))
                {
                    if (!addPair(keyStart, keyEnd, valueStart, candidateStart - 1, hasEscape))
                    {
                        return false;
                    }
                    keyStart = candidateStart;
                    keyEnd = p;
                    valueStart = p + 1;
                    hasEscape = false;
                }
                else if (strict)
                {
                    return reject(INVALID_EXTENSION, p);
                }
                candidateStart = -1;
                p++;
            }
        }
        return addPair(keyStart, keyEnd, valueStart, length, hasEscape);
    }

    private boolean allKeyChars(final int from, final int end)
    {
        for (int k = from; k < end; k++)
        {
            if (!isKeyChar(at(k)))
            {
                return false;
            }
        }
        return true;
    }

    private boolean addPair(final int keyStart, final int keyEnd, final int valueStart, final int valueEnd,
        final boolean hasEscape)
    {
        int end = valueEnd;
        while (end > valueStart && ' ' == at(end - 1))
        {
            end--;
        }
        if (!index.add(keyStart, keyEnd - keyStart, valueStart, end - valueStart, hasEscape))
        {
            return reject(TOO_MANY_EXTENSIONS, keyStart);
        }
        return true;
    }

    /**
     * @return what {@code \x} stands for in an extension value, or 0 when {@code x} is not an escape.
     */
    private static byte unescapeExtension(final byte escaped)
    {
        return switch (escaped)
        {
            case '\\' -> '\\';
            case '=' -> '=';
            case '|' -> '|';
            case 'n' -> '\n';
            case 'r' -> '\r';
            default -> 0;
        };
    }

    static boolean isKeyChar(final byte b)
    {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
            '_' == b || '.' == b || '-' == b || '[' == b || ']' == b;
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
