package dev.sluice.dataplane.decode.event.syslog;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.EventParser;
import dev.sluice.dataplane.decode.event.EventText;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.InstantSource;

/**
 * Parses one syslog message: RFC 5424 strictly, or RFC 3164 as the world writes it.
 * <pre>
 *   RFC 5424: &lt;PRI&gt;VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
 *             &lt;165&gt;1 2003-10-11T22:14:15.003Z host evntslog - ID47 [id@32473 iut="3"] BOMmessage
 *   RFC 3164: [&lt;PRI&gt;][TIMESTAMP SP [HOSTNAME SP]][TAG[\[PID\]]: ]MSG
 *             &lt;34&gt;Oct 11 22:14:15 mymachine su[123]: 'su root' failed
 * </pre>
 * In {@link Mode#AUTO}, a message is RFC 5424 when it starts with a PRI followed by a version
 * (1 to 3 digits, no leading zero) and a space, e.g. {@code <34>1 }; it is then held to the
 * RFC's grammar (as go-syslog's conformance cases require) and rejected with a reason when it
 * breaks it. Anything else is RFC 3164, parsed leniently the way rsyslog and syslog-ng do and
 * never rejected unless empty or too long: a missing or malformed PRI, timestamp, hostname or
 * tag just leaves that field absent, and a line with none of them is a bare message
 * ({@code syslog.msg} only).
 * <p>
 * {@code parse} indexes the header, each structured-data element and parameter (offsets into
 * the message), and, after a BOM, checks that the message is UTF-8. Text fields are then read
 * as offset and length into the message, or copied into a caller's reusable {@link EventText};
 * structured-data values are looked up by element id and parameter name, escapes resolved,
 * without allocating.
 * <p>
 * Confined to one thread; reusable for the next message after each call. No allocation per
 * message once constructed ({@link #visitFields} excepted: a tool path).
 */
public final class SyslogParser implements EventParser
{
    /** Which grammar {@link #parse} applies. */
    public enum Mode
    {
        /** RFC 5424 when the message starts {@code <PRI>VERSION SP}, otherwise RFC 3164. */
        AUTO,
        /** RFC 5424 only: anything else is rejected. */
        RFC5424,
        /** RFC 3164 only, leniently, even for messages that look like RFC 5424. */
        RFC3164
    }

    /** Nothing to parse. */
    public static final String EMPTY_MESSAGE = "empty_message";
    /** Longer than the parser's maximum message length. */
    public static final String MESSAGE_TOO_LONG = "message_too_long";
    /** The length reaches past the end of the segment. */
    public static final String OUT_OF_BOUNDS = "out_of_bounds";
    /** The message ended where RFC 5424 requires more. */
    public static final String TRUNCATED = "truncated";
    /** RFC 5424 mode and the message does not start with {@code <}. */
    public static final String MISSING_PRI = "missing_pri";
    /** The PRI is not {@code <0>} to {@code <191>} without leading zeros. */
    public static final String INVALID_PRI = "invalid_pri";
    /** The version is not 1 to 999 followed by a space. */
    public static final String INVALID_VERSION = "invalid_version";
    /** Not {@code -} nor an RFC 3339 timestamp (uppercase T and Z, fraction of 1-6 digits, a real day) followed by a space. */
    public static final String INVALID_TIMESTAMP = "invalid_timestamp";
    /** Not {@code -} nor 1 to 255 printable US-ASCII characters. */
    public static final String INVALID_HOSTNAME = "invalid_hostname";
    /** Not {@code -} nor 1 to 48 printable US-ASCII characters. */
    public static final String INVALID_APPNAME = "invalid_appname";
    /** Not {@code -} nor 1 to 128 printable US-ASCII characters. */
    public static final String INVALID_PROCID = "invalid_procid";
    /** Not {@code -} nor 1 to 32 printable US-ASCII characters. */
    public static final String INVALID_MSGID = "invalid_msgid";
    /** Structured data neither {@code -} nor {@code [...]}, or not followed by a space or the end. */
    public static final String INVALID_STRUCTURED_DATA = "invalid_structured_data";
    /** An SD-ID that is empty, longer than 32, or holds {@code = ] "} or a non-printable. */
    public static final String INVALID_SD_ID = "invalid_sd_id";
    /** A bad parameter: name empty, too long or with a forbidden character, or no {@code ="} after it, or no space or {@code ]} after its value. */
    public static final String INVALID_SD_PARAM = "invalid_sd_param";
    /** A backslash in a value followed by something else than {@code " \ ]}. */
    public static final String INVALID_SD_ESCAPE = "invalid_sd_escape";
    /** An unescaped {@code ]} in a value. */
    public static final String INVALID_SD_VALUE = "invalid_sd_value";
    /** The message ended inside a parameter value. */
    public static final String UNTERMINATED_SD_VALUE = "unterminated_sd_value";
    /** The same SD-ID twice in one message. */
    public static final String DUPLICATE_SD_ID = "duplicate_sd_id";
    /** More structured-data elements than the parser indexes. */
    public static final String TOO_MANY_SD_ELEMENTS = "too_many_sd_elements";
    /** More structured-data parameters than the parser indexes. */
    public static final String TOO_MANY_SD_PARAMS = "too_many_sd_params";
    /** A message that starts with a BOM but is not valid UTF-8. */
    public static final String INVALID_UTF8 = "invalid_utf8";

    /** Default largest message accepted, in bytes. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 65_536;
    /** Default most structured-data elements indexed per message. */
    public static final int DEFAULT_MAX_SD_ELEMENTS = 32;
    /** Default most structured-data parameters indexed per message. */
    public static final int DEFAULT_MAX_SD_PARAMS = 128;

    /** {@link #pri()} and friends when the message had no PRI. */
    public static final int ABSENT = -1;
    /** {@link #timestampNs()} when no instant could be computed. */
    public static final long NO_TIMESTAMP_NS = SyslogTimestamp.NO_EPOCH;

    static final int MAX_PRI = 191;
    static final int MAX_HOSTNAME = 255;
    static final int MAX_APPNAME = 48;
    static final int MAX_PROCID = 128;
    static final int MAX_MSGID = 32;
    static final int MAX_SD_NAME = 32;

    private static final int SP = ' ';
    private static final int NIL = '-';
    private static final int BOM_0 = 0xEF;
    private static final int BOM_1 = 0xBB;
    private static final int BOM_2 = 0xBF;
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private static final int TIMESTAMP = 0;
    private static final int HOSTNAME = 1;
    private static final int APPNAME = 2;
    private static final int PROCID = 3;
    private static final int MSGID = 4;
    private static final int MSG = 5;
    private static final int FIELDS = 6;

    private final Mode mode;
    private final InstantSource clock;
    private final int maxMessageLength;
    private final MessageBytes bytes = new MessageBytes();
    private final SyslogTimestamp timestamp = new SyslogTimestamp(bytes);
    private final int[] fieldOffset = new int[FIELDS];
    private final int[] fieldLength = new int[FIELDS];
    private final int[] elementIdOffset;
    private final int[] elementIdLength;
    private final int[] elementFirstParam;
    private final int[] paramElement;
    private final int[] paramNameOffset;
    private final int[] paramNameLength;
    private final int[] paramValueOffset;
    private final int[] paramValueLength;
    private final boolean[] paramEscaped;
    private final EventText visitText;

    private MemorySegment segment;
    private long base;
    private int length;
    private SyslogFormat format;
    private String rejectReason;
    private int rejectOffset;
    private int pri;
    private int version;
    private long timestampNs;
    private boolean msgBom;
    private int elementCount;
    private int paramCount;
    private long clockDayStartMs = Long.MAX_VALUE;
    private int clockYear;
    private int clockMonth;

    /** An {@link Mode#AUTO} parser with the default limits and the system clock. */
    public SyslogParser()
    {
        this(Mode.AUTO, InstantSource.system(), DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_SD_ELEMENTS,
            DEFAULT_MAX_SD_PARAMS);
    }

    /**
     * @param mode             which grammar to apply.
     * @param clock            gives the year of RFC 3164 timestamps that have none (the current one,
     *                         or the adjacent one across a new year).
     * @param maxMessageLength the longest message accepted, in bytes.
     * @param maxSdElements    the most structured-data elements indexed per message.
     * @param maxSdParams      the most structured-data parameters indexed per message.
     */
    public SyslogParser(
        final Mode mode,
        final InstantSource clock,
        final int maxMessageLength,
        final int maxSdElements,
        final int maxSdParams)
    {
        if (maxMessageLength < 1 || maxSdElements < 1 || maxSdParams < 1)
        {
            throw new IllegalArgumentException("limits must be positive: maxMessageLength=" + maxMessageLength +
                " maxSdElements=" + maxSdElements + " maxSdParams=" + maxSdParams);
        }
        this.mode = mode;
        this.clock = clock;
        this.maxMessageLength = maxMessageLength;
        elementIdOffset = new int[maxSdElements];
        elementIdLength = new int[maxSdElements];
        elementFirstParam = new int[maxSdElements + 1];
        paramElement = new int[maxSdParams];
        paramNameOffset = new int[maxSdParams];
        paramNameLength = new int[maxSdParams];
        paramValueOffset = new int[maxSdParams];
        paramValueLength = new int[maxSdParams];
        paramEscaped = new boolean[maxSdParams];
        visitText = new EventText(maxMessageLength);
        reset();
    }

    private void reset()
    {
        format = null;
        rejectReason = null;
        rejectOffset = -1;
        pri = ABSENT;
        version = 0;
        timestampNs = NO_TIMESTAMP_NS;
        msgBom = false;
        elementCount = 0;
        paramCount = 0;
        for (int i = 0; i < FIELDS; i++)
        {
            fieldOffset[i] = -1;
            fieldLength[i] = 0;
        }
    }

    @Override
    public boolean parse(final MemorySegment segment, final long offset, final int length)
    {
        this.segment = segment;
        this.base = offset;
        this.length = length;
        reset();
        if (length <= 0)
        {
            return reject(EMPTY_MESSAGE, 0);
        }
        if (length > maxMessageLength)
        {
            return reject(MESSAGE_TOO_LONG, maxMessageLength);
        }
        if (offset < 0 || offset > segment.byteSize() - length)
        {
            return reject(OUT_OF_BOUNDS, 0);
        }
        bytes.wrap(segment, offset, length);
        return switch (mode)
        {
            case RFC5424 -> parseRfc5424();
            case RFC3164 -> parseRfc3164();
            case AUTO -> looksLikeRfc5424() ? parseRfc5424() : parseRfc3164();
        };
    }

    private int at(final int position)
    {
        return bytes.at(position);
    }

    private boolean reject(final String reason, final int offset)
    {
        reset();
        rejectReason = reason;
        rejectOffset = offset;
        return false;
    }

    private static boolean isDigit(final int c)
    {
        return c >= '0' && c <= '9';
    }

    /** {@code <} 1-3 digits {@code >} then a version of 1-3 digits without leading zero, then a space. */
    private boolean looksLikeRfc5424()
    {
        if (at(0) != '<')
        {
            return false;
        }
        int p = 1;
        while (p < length && p <= 4 && isDigit(at(p)))
        {
            p++;
        }
        if (p == 1 || p > 4 || p >= length || at(p) != '>')
        {
            return false;
        }
        p++;
        final int versionStart = p;
        if (p >= length || at(p) < '1' || at(p) > '9')
        {
            return false;
        }
        while (p < length && p - versionStart < 3 && isDigit(at(p)))
        {
            p++;
        }
        return p < length && at(p) == SP;
    }

    private boolean parseRfc5424()
    {
        final int end = length;
        if (at(0) != '<')
        {
            return reject(MISSING_PRI, 0);
        }
        int p = 1;
        if (p >= end)
        {
            return reject(TRUNCATED, p);
        }
        int c = at(p);
        if (!isDigit(c))
        {
            return reject(INVALID_PRI, p);
        }
        int value = c - '0';
        p++;
        if (value != 0)
        {
            for (int digits = 1; digits < 3 && p < end && isDigit(at(p)); digits++)
            {
                value = value * 10 + (at(p) - '0');
                p++;
            }
        }
        if (p >= end)
        {
            return reject(TRUNCATED, p);
        }
        if (at(p) != '>')
        {
            return reject(INVALID_PRI, p);
        }
        if (value > MAX_PRI)
        {
            return reject(INVALID_PRI, p - 1);
        }
        p++;

        if (p >= end)
        {
            return reject(TRUNCATED, p);
        }
        c = at(p);
        if (c < '1' || c > '9')
        {
            return reject(INVALID_VERSION, p);
        }
        int versionValue = c - '0';
        p++;
        for (int digits = 1; digits < 3 && p < end && isDigit(at(p)); digits++)
        {
            versionValue = versionValue * 10 + (at(p) - '0');
            p++;
        }
        p = space(p, INVALID_VERSION);
        if (p < 0)
        {
            return false;
        }

        if (p >= end)
        {
            return reject(TRUNCATED, p);
        }
        if (at(p) == NIL)
        {
            p++;
        }
        else
        {
            final int timestampEnd = timestamp.parseRfc5424(p, end);
            if (timestampEnd < 0)
            {
                return reject(INVALID_TIMESTAMP, timestamp.errorOffset);
            }
            fieldOffset[TIMESTAMP] = p;
            fieldLength[TIMESTAMP] = timestampEnd - p;
            timestampNs = timestamp.epochNanos();
            p = timestampEnd;
        }
        p = space(p, INVALID_TIMESTAMP);
        if (p < 0 ||
            (p = headerField(p, HOSTNAME, MAX_HOSTNAME, INVALID_HOSTNAME)) < 0 ||
            (p = headerField(p, APPNAME, MAX_APPNAME, INVALID_APPNAME)) < 0 ||
            (p = headerField(p, PROCID, MAX_PROCID, INVALID_PROCID)) < 0 ||
            (p = headerField(p, MSGID, MAX_MSGID, INVALID_MSGID)) < 0)
        {
            return false;
        }

        if (p >= end)
        {
            return reject(TRUNCATED, p);
        }
        c = at(p);
        if (c == NIL)
        {
            p++;
        }
        else if (c == '[')
        {
            p = structuredData(p);
            if (p < 0)
            {
                return false;
            }
        }
        else
        {
            return reject(INVALID_STRUCTURED_DATA, p);
        }

        if (p < end)
        {
            if (at(p) != SP)
            {
                return reject(INVALID_STRUCTURED_DATA, p);
            }
            p++;
            if (p < end && !message(p))
            {
                return false;
            }
        }
        format = SyslogFormat.RFC5424;
        pri = value;
        version = versionValue;
        return true;
    }

    /** Expects a space at {@code p}; returns the position after it, or -1 having rejected. */
    private int space(final int p, final String reason)
    {
        if (p >= length)
        {
            reject(TRUNCATED, p);
            return -1;
        }
        if (at(p) != SP)
        {
            reject(reason, p);
            return -1;
        }
        return p + 1;
    }

    /** NILVALUE or 1 to {@code max} printable US-ASCII characters, then a space. */
    private int headerField(final int start, final int field, final int max, final String reason)
    {
        final int end = length;
        final int p = bytes.firstNonPrintable(start, end);
        if (p - start > max)
        {
            reject(reason, start + max);
            return -1;
        }
        if (p >= end)
        {
            reject(TRUNCATED, p);
            return -1;
        }
        if (p == start || at(p) != SP)
        {
            reject(reason, p);
            return -1;
        }
        if (p - start != 1 || at(start) != NIL)
        {
            fieldOffset[field] = start;
            fieldLength[field] = p - start;
        }
        return p + 1;
    }

    /** SD-NAME characters from {@code start}: printable US-ASCII except {@code = SP ] "}; returns where they stop. */
    private int sdName(final int start)
    {
        return bytes.sdNameEnd(start, length);
    }

    private int structuredData(final int start)
    {
        final int end = length;
        int p = start;
        while (p < end && at(p) == '[')
        {
            if (elementCount == elementIdOffset.length)
            {
                reject(TOO_MANY_SD_ELEMENTS, p);
                return -1;
            }
            final int idStart = p + 1;
            p = sdName(idStart);
            final int idLength = p - idStart;
            if (idLength > MAX_SD_NAME)
            {
                reject(INVALID_SD_ID, idStart + MAX_SD_NAME);
                return -1;
            }
            if (p >= end)
            {
                reject(TRUNCATED, p);
                return -1;
            }
            if (idLength == 0 || (at(p) != SP && at(p) != ']'))
            {
                reject(INVALID_SD_ID, p);
                return -1;
            }
            for (int e = 0; e < elementCount; e++)
            {
                if (sameBytes(elementIdOffset[e], elementIdLength[e], idStart, idLength))
                {
                    reject(DUPLICATE_SD_ID, idStart);
                    return -1;
                }
            }
            elementIdOffset[elementCount] = idStart;
            elementIdLength[elementCount] = idLength;
            elementFirstParam[elementCount] = paramCount;
            elementCount++;
            while (true)
            {
                if (p >= end)
                {
                    reject(TRUNCATED, p);
                    return -1;
                }
                final int c = at(p);
                if (c == ']')
                {
                    p++;
                    break;
                }
                if (c != SP)
                {
                    reject(INVALID_SD_PARAM, p);
                    return -1;
                }
                p = param(p + 1);
                if (p < 0)
                {
                    return -1;
                }
            }
        }
        elementFirstParam[elementCount] = paramCount;
        return p;
    }

    /** {@code PARAM-NAME="PARAM-VALUE"} from {@code start}; returns the position after the closing quote, or -1. */
    private int param(final int start)
    {
        final int end = length;
        if (paramCount == paramNameOffset.length)
        {
            reject(TOO_MANY_SD_PARAMS, start);
            return -1;
        }
        int p = sdName(start);
        final int nameLength = p - start;
        if (nameLength > MAX_SD_NAME)
        {
            reject(INVALID_SD_PARAM, start + MAX_SD_NAME);
            return -1;
        }
        if (p >= end)
        {
            reject(TRUNCATED, p);
            return -1;
        }
        if (nameLength == 0 || at(p) != '=')
        {
            reject(INVALID_SD_PARAM, p);
            return -1;
        }
        if (p + 1 >= end)
        {
            reject(TRUNCATED, p + 1);
            return -1;
        }
        if (at(p + 1) != '"')
        {
            reject(INVALID_SD_PARAM, p + 1);
            return -1;
        }
        p += 2;
        final int valueStart = p;
        boolean escaped = false;
        while (true)
        {
            p = bytes.valueStop(p, end);
            if (p >= end)
            {
                reject(UNTERMINATED_SD_VALUE, p);
                return -1;
            }
            final int c = at(p);
            if (c == '"')
            {
                break;
            }
            if (c == '\\')
            {
                if (p + 1 >= end)
                {
                    reject(UNTERMINATED_SD_VALUE, end);
                    return -1;
                }
                final int next = at(p + 1);
                if (next != '"' && next != '\\' && next != ']')
                {
                    reject(INVALID_SD_ESCAPE, p);
                    return -1;
                }
                escaped = true;
                p += 2;
            }
            else
            {
                reject(INVALID_SD_VALUE, p);
                return -1;
            }
        }
        paramElement[paramCount] = elementCount - 1;
        paramNameOffset[paramCount] = start;
        paramNameLength[paramCount] = nameLength;
        paramValueOffset[paramCount] = valueStart;
        paramValueLength[paramCount] = p - valueStart;
        paramEscaped[paramCount] = escaped;
        paramCount++;
        return p + 1;
    }

    /** MSG from {@code start} to the end; after a BOM it must be UTF-8, and the BOM is not part of the text. */
    private boolean message(final int start)
    {
        int p = start;
        if (length - p >= 3 && (at(p) & 0xFF) == BOM_0 && (at(p + 1) & 0xFF) == BOM_1 && (at(p + 2) & 0xFF) == BOM_2)
        {
            msgBom = true;
            p += 3;
            final int bad = firstInvalidUtf8(p, length);
            if (bad >= 0)
            {
                return reject(INVALID_UTF8, bad);
            }
        }
        fieldOffset[MSG] = p;
        fieldLength[MSG] = length - p;
        return true;
    }

    /**
     * @return the offset of the first byte of an ill-formed UTF-8 sequence in [{@code start}, {@code end})
     * (overlong forms, surrogates and code points past U+10FFFF are ill-formed), or -1 when there is none.
     */
    private int firstInvalidUtf8(final int start, final int end)
    {
        int p = start;
        while (p < end)
        {
            if (end - p >= Long.BYTES && bytes.asciiLong(p))
            {
                p += Long.BYTES;
                continue;
            }
            final int b0 = at(p) & 0xFF;
            if (b0 < 0x80)
            {
                p++;
                continue;
            }
            final int count;
            int lower = 0x80;
            int upper = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF)
            {
                count = 1;
            }
            else if (b0 >= 0xE0 && b0 <= 0xEF)
            {
                count = 2;
                lower = b0 == 0xE0 ? 0xA0 : 0x80;
                upper = b0 == 0xED ? 0x9F : 0xBF;
            }
            else if (b0 >= 0xF0 && b0 <= 0xF4)
            {
                count = 3;
                lower = b0 == 0xF0 ? 0x90 : 0x80;
                upper = b0 == 0xF4 ? 0x8F : 0xBF;
            }
            else
            {
                return p;
            }
            if (p + count >= end)
            {
                return p;
            }
            final int b1 = at(p + 1) & 0xFF;
            if (b1 < lower || b1 > upper)
            {
                return p;
            }
            for (int k = 2; k <= count; k++)
            {
                final int b = at(p + k) & 0xFF;
                if (b < 0x80 || b > 0xBF)
                {
                    return p;
                }
            }
            p += count + 1;
        }
        return -1;
    }

    private boolean parseRfc3164()
    {
        int end = length;
        while (end > 0)
        {
            final int c = at(end - 1);
            if (c != '\n' && c != '\r' && c != 0)
            {
                break;
            }
            end--;
        }
        int p = 0;
        final int priEnd = lenientPri(end);
        if (priEnd > 0)
        {
            p = priEnd;
        }
        while (p < end && at(p) == SP)
        {
            p++;
        }

        final int timestampEnd = timestamp.parseLenient(p, end);
        if (timestampEnd > 0 && (timestampEnd == end || at(timestampEnd) == SP || at(timestampEnd) == ':'))
        {
            fieldOffset[TIMESTAMP] = p;
            fieldLength[TIMESTAMP] = timestampEnd - p;
            if (timestamp.year == SyslogTimestamp.NO_YEAR)
            {
                timestamp.year = yearFor(timestamp.month);
            }
            timestampNs = timestamp.epochNanos();
            p = timestampEnd;
            if (p < end && at(p) == ':')
            {
                p++;
            }
            while (p < end && at(p) == SP)
            {
                p++;
            }
            p = lenientHostname(p, end);
        }
        p = lenientTag(p, end);
        if (p < end)
        {
            fieldOffset[MSG] = p;
            fieldLength[MSG] = end - p;
        }
        format = SyslogFormat.RFC3164;
        return true;
    }

    /** A PRI of 1-3 digits, at most 191; returns the position after it, or -1 (then there is none). */
    private int lenientPri(final int end)
    {
        if (end < 3 || at(0) != '<')
        {
            return -1;
        }
        int value = 0;
        int p = 1;
        while (p < end && p <= 3 && isDigit(at(p)))
        {
            value = value * 10 + (at(p) - '0');
            p++;
        }
        if (p == 1 || p >= end || at(p) != '>' || value > MAX_PRI)
        {
            return -1;
        }
        pri = value;
        return p + 1;
    }

    /**
     * After a timestamp: the next word is the hostname when a space follows it, it is at most
     * 255 characters of letters, digits and {@code . - _ :}, and it is not a tag (does not end
     * with a colon). Returns where the tag may start.
     */
    private int lenientHostname(final int start, final int end)
    {
        int p = start;
        while (p < end)
        {
            final int c = at(p);
            if (c == SP)
            {
                break;
            }
            final boolean hostChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) ||
                c == '.' || c == '-' || c == '_' || c == ':';
            if (!hostChar || p - start == MAX_HOSTNAME)
            {
                return start;
            }
            p++;
        }
        if (p == start || p >= end || at(p - 1) == ':')
        {
            return start;
        }
        fieldOffset[HOSTNAME] = start;
        fieldLength[HOSTNAME] = p - start;
        while (p < end && at(p) == SP)
        {
            p++;
        }
        return p;
    }

    /**
     * A tag: a program name of at most 48 characters without space, colon or bracket, then
     * {@code [pid]} and a colon, or either alone, then a space or the end. Sets appname and
     * procid and returns where the message starts; without a tag, returns {@code start}.
     */
    private int lenientTag(final int start, final int end)
    {
        int p = start;
        while (p < end && p - start <= MAX_APPNAME)
        {
            final int c = at(p);
            if (c == SP || c == ':' || c == '[')
            {
                break;
            }
            p++;
        }
        final int nameLength = p - start;
        if (nameLength == 0 || nameLength > MAX_APPNAME || p >= end)
        {
            return start;
        }
        int pidStart = -1;
        int pidLength = 0;
        if (at(p) == '[')
        {
            pidStart = p + 1;
            int q = pidStart;
            while (q < end && q - pidStart < MAX_PROCID && at(q) != ']' && at(q) != SP)
            {
                q++;
            }
            if (q >= end || at(q) != ']' || q == pidStart)
            {
                return start;
            }
            pidLength = q - pidStart;
            p = q + 1;
        }
        final boolean colon = p < end && at(p) == ':';
        if (colon)
        {
            p++;
        }
        else if (pidStart < 0)
        {
            return start;
        }
        if (p < end && at(p) != SP)
        {
            return start;
        }
        fieldOffset[APPNAME] = start;
        fieldLength[APPNAME] = nameLength;
        if (pidStart >= 0)
        {
            fieldOffset[PROCID] = pidStart;
            fieldLength[PROCID] = pidLength;
        }
        return p < end ? p + 1 : p;
    }

    /** The year of an RFC 3164 timestamp in {@code month}: the clock's, or the adjacent one across a new year. */
    private int yearFor(final int month)
    {
        final long nowMs = clock.millis();
        if (nowMs < clockDayStartMs || nowMs - clockDayStartMs >= MILLIS_PER_DAY)
        {
            final long day = Math.floorDiv(nowMs, MILLIS_PER_DAY);
            clockDayStartMs = day * MILLIS_PER_DAY;
            final long z = day + 719_468;
            final long era = Math.floorDiv(z, 146_097);
            final long dayOfEra = z - era * 146_097;
            final long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
            final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
            final long monthIndex = (5 * dayOfYear + 2) / 153;
            clockMonth = (int)(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
            clockYear = (int)(yearOfEra + era * 400 + (clockMonth <= 2 ? 1 : 0));
        }
        if (month == 12 && clockMonth == 1)
        {
            return clockYear - 1;
        }
        if (month == 1 && clockMonth == 12)
        {
            return clockYear + 1;
        }
        return clockYear;
    }

    private boolean sameBytes(final int offsetA, final int lengthA, final int offsetB, final int lengthB)
    {
        if (lengthA != lengthB)
        {
            return false;
        }
        for (int i = 0; i < lengthA; i++)
        {
            if (at(offsetA + i) != at(offsetB + i))
            {
                return false;
            }
        }
        return true;
    }

    private boolean sameChars(final int offset, final int count, final CharSequence text)
    {
        if (text.length() != count)
        {
            return false;
        }
        for (int i = 0; i < count; i++)
        {
            if ((at(offset + i) & 0xFF) != text.charAt(i))
            {
                return false;
            }
        }
        return true;
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
     * @return the last accepted message's grammar; null after a rejection.
     */
    public SyslogFormat format()
    {
        return format;
    }

    /**
     * @return the segment of the last parsed message: field offsets count from {@link #messageOffset()} in it.
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

    /**
     * @return the PRI value 0-191, or {@link #ABSENT} when the message had none (RFC 3164).
     */
    public int pri()
    {
        return pri;
    }

    /**
     * @return the facility (PRI / 8), or {@link #ABSENT}.
     */
    public int facility()
    {
        return pri < 0 ? ABSENT : pri >> 3;
    }

    /**
     * @return the severity (PRI % 8), or {@link #ABSENT}.
     */
    public int severity()
    {
        return pri < 0 ? ABSENT : pri & 7;
    }

    /**
     * @return the RFC 5424 version (1-999), or 0 for RFC 3164.
     */
    public int version()
    {
        return version;
    }

    /**
     * @return the timestamp in nanoseconds since the epoch, or {@link #NO_TIMESTAMP_NS} when there is none or it
     * cannot be computed (a zone name, a year outside 1678-2261).
     */
    public long timestampNs()
    {
        return timestampNs;
    }

    /** @return the offset of the timestamp's text in the message, or -1 when absent. */
    public int timestampOffset()
    {
        return fieldOffset[TIMESTAMP];
    }

    /** @return the length of the timestamp's text (0 when absent). */
    public int timestampLength()
    {
        return fieldLength[TIMESTAMP];
    }

    /** @return the offset of the hostname in the message, or -1 when absent or NILVALUE. */
    public int hostnameOffset()
    {
        return fieldOffset[HOSTNAME];
    }

    /** @return the hostname's length in bytes. */
    public int hostnameLength()
    {
        return fieldLength[HOSTNAME];
    }

    /** @return the offset of the app name (RFC 3164: the tag's program name), or -1. */
    public int appnameOffset()
    {
        return fieldOffset[APPNAME];
    }

    /** @return the app name's length in bytes. */
    public int appnameLength()
    {
        return fieldLength[APPNAME];
    }

    /** @return the offset of the process id (RFC 3164: the tag's {@code [pid]}), or -1. */
    public int procidOffset()
    {
        return fieldOffset[PROCID];
    }

    /** @return the process id's length in bytes. */
    public int procidLength()
    {
        return fieldLength[PROCID];
    }

    /** @return the offset of the message id (RFC 5424 only), or -1. */
    public int msgidOffset()
    {
        return fieldOffset[MSGID];
    }

    /** @return the message id's length in bytes. */
    public int msgidLength()
    {
        return fieldLength[MSGID];
    }

    /** @return the offset of the free-form message (after a BOM), or -1 when there is none. */
    public int msgOffset()
    {
        return fieldOffset[MSG];
    }

    /** @return the free-form message's length in bytes. */
    public int msgLength()
    {
        return fieldLength[MSG];
    }

    /** @return true when the RFC 5424 message started with a BOM (then it was checked to be UTF-8). */
    public boolean msgHasBom()
    {
        return msgBom;
    }

    /** @return true and the timestamp's text in {@code out}, or false (and {@code out} untouched) when absent. */
    public boolean timestamp(final EventText out)
    {
        return field(TIMESTAMP, out);
    }

    /** @return true and the hostname in {@code out}, or false when absent. */
    public boolean hostname(final EventText out)
    {
        return field(HOSTNAME, out);
    }

    /** @return true and the app name in {@code out}, or false when absent. */
    public boolean appname(final EventText out)
    {
        return field(APPNAME, out);
    }

    /** @return true and the process id in {@code out}, or false when absent. */
    public boolean procid(final EventText out)
    {
        return field(PROCID, out);
    }

    /** @return true and the message id in {@code out}, or false when absent. */
    public boolean msgid(final EventText out)
    {
        return field(MSGID, out);
    }

    /** @return true and the free-form message in {@code out} (truncated to its capacity), or false when absent. */
    public boolean msg(final EventText out)
    {
        return field(MSG, out);
    }

    private boolean field(final int field, final EventText out)
    {
        if (fieldOffset[field] < 0)
        {
            return false;
        }
        out.set(segment, base + fieldOffset[field], fieldLength[field]);
        return true;
    }

    /** @return the number of structured-data elements. */
    public int sdElementCount()
    {
        return elementCount;
    }

    /** @return the number of structured-data parameters, over all elements. */
    public int sdParamCount()
    {
        return paramCount;
    }

    /**
     * @param element 0 to {@link #sdElementCount()} - 1.
     * @param out     receives the element's SD-ID.
     */
    public void sdElementId(final int element, final EventText out)
    {
        out.set(segment, base + elementIdOffset[element], elementIdLength[element]);
    }

    /**
     * @param param 0 to {@link #sdParamCount()} - 1.
     * @return the element the parameter belongs to.
     */
    public int sdParamElement(final int param)
    {
        return paramElement[param];
    }

    /**
     * @param param 0 to {@link #sdParamCount()} - 1.
     * @param out   receives the parameter's name.
     */
    public void sdParamName(final int param, final EventText out)
    {
        out.set(segment, base + paramNameOffset[param], paramNameLength[param]);
    }

    /**
     * @param param 0 to {@link #sdParamCount()} - 1.
     * @param out   receives the parameter's value with {@code \" \\ \]} resolved.
     */
    public void sdParamValue(final int param, final EventText out)
    {
        final int offset = paramValueOffset[param];
        final int count = paramValueLength[param];
        if (!paramEscaped[param])
        {
            out.set(segment, base + offset, count);
            return;
        }
        out.clear();
        for (int i = offset; i < offset + count; i++)
        {
            final byte b = segment.get(ValueLayout.JAVA_BYTE, base + i);
            if (b == '\\')
            {
                i++;
                out.append(segment.get(ValueLayout.JAVA_BYTE, base + i));
            }
            else
            {
                out.append(b);
            }
        }
    }

    /**
     * Finds a parameter by SD-ID and name, comparing byte for char (as {@link EventText} does).
     *
     * @param sdId  the element's SD-ID, e.g. {@code origin} or {@code exampleSDID@32473}.
     * @param param the parameter's name.
     * @param from  the first parameter index to look at (0, or one past the last match for the next occurrence).
     * @return the parameter's index, or -1 when no parameter from {@code from} on matches.
     */
    public int sdParamIndex(final CharSequence sdId, final CharSequence param, final int from)
    {
        for (int e = 0; e < elementCount; e++)
        {
            if (!sameChars(elementIdOffset[e], elementIdLength[e], sdId))
            {
                continue;
            }
            for (int k = Math.max(from, elementFirstParam[e]); k < elementFirstParam[e + 1]; k++)
            {
                if (sameChars(paramNameOffset[k], paramNameLength[k], param))
                {
                    return k;
                }
            }
            return -1;
        }
        return -1;
    }

    /**
     * The first value of a structured-data parameter, escapes resolved.
     *
     * @param sdId  the element's SD-ID.
     * @param param the parameter's name.
     * @param out   receives the value when found; untouched otherwise.
     * @return true when the message has that parameter.
     */
    public boolean structuredDataValue(final CharSequence sdId, final CharSequence param, final EventText out)
    {
        final int index = sdParamIndex(sdId, param, 0);
        if (index < 0)
        {
            return false;
        }
        sdParamValue(index, out);
        return true;
    }

    @Override
    public void visitFields(final EventFieldVisitor visitor)
    {
        if (null == format)
        {
            return;
        }
        visitor.text("syslog.format", format.keyword());
        if (pri >= 0)
        {
            visitor.integer("syslog.pri", pri);
            visitor.integer("syslog.facility", facility());
            visitor.integer("syslog.severity", severity());
        }
        if (version > 0)
        {
            visitor.integer("syslog.version", version);
        }
        visitText("syslog.timestamp", TIMESTAMP, visitor);
        if (timestampNs != NO_TIMESTAMP_NS)
        {
            visitor.integer("syslog.timestamp_ns", timestampNs);
        }
        visitText("syslog.hostname", HOSTNAME, visitor);
        visitText("syslog.appname", APPNAME, visitor);
        visitText("syslog.procid", PROCID, visitor);
        visitText("syslog.msgid", MSGID, visitor);
        final EventText name = new EventText(MAX_SD_NAME);
        for (int k = 0; k < paramCount; k++)
        {
            sdElementId(paramElement[k], name);
            final String id = name.toString();
            sdParamName(k, name);
            sdParamValue(k, visitText);
            visitor.text("syslog.sd." + id + "." + name, visitText);
        }
        visitText("syslog.msg", MSG, visitor);
    }

    private void visitText(final String name, final int field, final EventFieldVisitor visitor)
    {
        if (field(field, visitText))
        {
            visitor.text(name, visitText);
        }
    }
}
