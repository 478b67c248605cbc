package dev.sluice.dataplane.decode.event.can;

import java.lang.foreign.MemorySegment;

/**
 * A flyweight parser of one line of a SocketCAN candump log, as {@code candump -l} writes
 * files and {@code candump -L} prints (the format {@code canplayer} replays):
 * <pre>
 *   (1436509052.249713) can0 123#DEADBEEF        classic frame, 11-bit id (3 hex digits)
 *   (1436509052.249713) can0 12345678#DE.AD.BE   29-bit id (8 hex digits); '.' between bytes allowed
 *   (1436509052.249713) can0 123#R               remote request; 123#R5 requests 5 bytes
 *   (1436509052.249713) can0 123#1122334455667788_E   classic frame with a raw DLC of 9-15
 *   (1436509052.249713) can0 123##1DEADBEEF...   CAN FD: flags nibble (1 BRS, 2 ESI), then up to 64 bytes
 *   (1436509052.249713) can0 20000080#0000000000000000   error frame (CAN_ERR_FLAG in the id)
 *   (1436509052.249713) can0 123#DEADBEEF R      with candump -x: T (sent) or R (received), ignored
 * </pre>
 * A trailing CR or LF is ignored. Rejections: {@value #EMPTY}, {@value #BAD_TIMESTAMP}
 * ({@code (seconds.fraction)}, 1 to 9 fraction digits), {@value #BAD_INTERFACE}, {@value #BAD_ID}
 * (not 3 or 8 hex digits, a standard id over 0x7FF, RTR/EFF flag bits in an 8-digit id),
 * {@value #BAD_DATA} (an odd digit, too many bytes, a length no CAN FD frame has, anything after the frame).
 * A frame whose id the DBC does not define is accepted, without signals (see {@link CanFrameParser}).
 * <p>
 * Confined to one thread; reusable for the next line after each call.
 */
public final class CandumpParser extends CanFrameParser
{
    public static final String EMPTY = "empty";
    public static final String BAD_TIMESTAMP = "bad_timestamp";
    public static final String BAD_INTERFACE = "bad_interface";
    public static final String BAD_ID = "bad_id";
    public static final String BAD_DATA = "bad_data";

    /** The largest whole-seconds part whose nanoseconds still fit a long. */
    static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;
    static final int MAX_SECONDS_DIGITS = 10;
    static final int NANOSECOND_DIGITS = 9;
    static final int STANDARD_ID_DIGITS = 3;
    static final int EXTENDED_ID_DIGITS = 8;
    static final int CAN_ERR_FLAG = 0x2000_0000;
    static final int CAN_EFF_MASK = 0x1FFF_FFFF;
    static final int MIN_RAW_DLC = 9;

    /** Parses frames without decoding signals. */
    public CandumpParser()
    {
        this(null);
    }

    /**
     * @param database the compiled DBC to decode signals with, or null.
     */
    public CandumpParser(final CanDatabase database)
    {
        super(database);
    }

    @Override
    public boolean parse(final MemorySegment segment, final long offset, final int length)
    {
        begin();
        int end = length;
        while (end > 0 && ('\n' == byteAt(segment, offset + end - 1) || '\r' == byteAt(segment, offset + end - 1)))
        {
            end--;
        }
        if (0 == end)
        {
            return reject(EMPTY, 0);
        }
        if ('(' != byteAt(segment, offset))
        {
            return reject(BAD_TIMESTAMP, 0);
        }
        int i = 1;
        long seconds = 0;
        while (i < end && isDigit(byteAt(segment, offset + i)))
        {
            if (i > MAX_SECONDS_DIGITS)
            {
                return reject(BAD_TIMESTAMP, i);
            }
            seconds = seconds * 10 + (byteAt(segment, offset + i) - '0');
            i++;
        }
        if (1 == i || seconds > MAX_SECONDS)
        {
            return reject(BAD_TIMESTAMP, 1);
        }
        if (i >= end || '.' != byteAt(segment, offset + i))
        {
            return reject(BAD_TIMESTAMP, i);
        }
        i++;
        final int fractionStart = i;
        long nanos = 0;
        while (i < end && isDigit(byteAt(segment, offset + i)))
        {
            if (i - fractionStart == NANOSECOND_DIGITS)
            {
                return reject(BAD_TIMESTAMP, i);
            }
            nanos = nanos * 10 + (byteAt(segment, offset + i) - '0');
            i++;
        }
        if (i == fractionStart)
        {
            return reject(BAD_TIMESTAMP, i);
        }
        for (int digits = i - fractionStart; digits < NANOSECOND_DIGITS; digits++)
        {
            nanos *= 10;
        }
        if (i >= end || ')' != byteAt(segment, offset + i))
        {
            return reject(BAD_TIMESTAMP, i);
        }
        i++;
        timestampNs = seconds * 1_000_000_000L + nanos;

        final int afterTimestamp = i;
        i = skipBlanks(segment, offset, i, end);
        if (i == afterTimestamp)
        {
            return reject(BAD_INTERFACE, i);
        }
        final int interfaceStart = i;
        while (i < end && isNameByte(byteAt(segment, offset + i)))
        {
            i++;
        }
        if (i == interfaceStart)
        {
            return reject(BAD_INTERFACE, i);
        }
        interfaceName.set(segment, offset + interfaceStart, i - interfaceStart);
        final int afterInterface = i;
        i = skipBlanks(segment, offset, i, end);
        if (i == afterInterface || i == end)
        {
            return reject(i == end ? BAD_ID : BAD_INTERFACE, i);
        }
        return frame(segment, offset, i, end);
    }

    private boolean frame(final MemorySegment segment, final long offset, final int idStart, final int end)
    {
        int i = idStart;
        long id = 0;
        int digit;
        while (i < end && (digit = hexValue(byteAt(segment, offset + i))) >= 0)
        {
            if (i - idStart == EXTENDED_ID_DIGITS)
            {
                return reject(BAD_ID, idStart);
            }
            id = id << 4 | digit;
            i++;
        }
        if (i >= end || '#' != byteAt(segment, offset + i))
        {
            return reject(BAD_ID, i);
        }
        final int digits = i - idStart;
        if (STANDARD_ID_DIGITS == digits)
        {
            if (id > DbcReader.MAX_STANDARD_ID)
            {
                return reject(BAD_ID, idStart);
            }
            canId = (int)id;
        }
        else if (EXTENDED_ID_DIGITS == digits)
        {
            if (0 != (id & ~(long)(CAN_EFF_MASK | CAN_ERR_FLAG)))
            {
                return reject(BAD_ID, idStart);
            }
            errorFrame = 0 != (id & CAN_ERR_FLAG);
            extended = !errorFrame;
            canId = (int)(id & CAN_EFF_MASK);
        }
        else
        {
            return reject(BAD_ID, idStart);
        }
        i++;

        int maxBytes = MAX_CLASSIC_PAYLOAD_BYTES;
        if (i < end && '#' == byteAt(segment, offset + i))
        {
            i++;
            final int flags = i < end ? hexValue(byteAt(segment, offset + i)) : -1;
            if (flags < 0)
            {
                return reject(BAD_DATA, i);
            }
            fd = true;
            fdFlags = flags;
            maxBytes = MAX_PAYLOAD_BYTES;
            i++;
        }
        else if (i < end && ('R' == byteAt(segment, offset + i) || 'r' == byteAt(segment, offset + i)))
        {
            remote = true;
            i++;
            if (i < end && isDigit(byteAt(segment, offset + i)))
            {
                dlc = byteAt(segment, offset + i) - '0';
                if (dlc > MAX_CLASSIC_PAYLOAD_BYTES)
                {
                    return reject(BAD_DATA, i);
                }
                i++;
            }
            return trailer(segment, offset, i, end);
        }

        while (i < end)
        {
            final byte c = byteAt(segment, offset + i);
            if ('.' == c)
            {
                i++;
                continue;
            }
            final int high = hexValue(c);
            if (high < 0)
            {
                break;
            }
            final int low = i + 1 < end ? hexValue(byteAt(segment, offset + i + 1)) : -1;
            if (low < 0 || dataLength == maxBytes)
            {
                return reject(BAD_DATA, i);
            }
            payload[dataLength++] = (byte)(high << 4 | low);
            i += 2;
        }
        if (fd)
        {
            dlc = fdDlc(dataLength);
            if (dlc < 0)
            {
                return reject(BAD_DATA, i);
            }
        }
        else
        {
            dlc = dataLength;
            if (i < end && '_' == byteAt(segment, offset + i))
            {
                final int raw = i + 1 < end ? hexValue(byteAt(segment, offset + i + 1)) : -1;
                if (MAX_CLASSIC_PAYLOAD_BYTES != dataLength || raw < MIN_RAW_DLC)
                {
                    return reject(BAD_DATA, i);
                }
                dlc = raw;
                i += 2;
            }
        }
        return trailer(segment, offset, i, end);
    }

    /** After the frame: nothing, or candump -x's direction letter. */
    private boolean trailer(final MemorySegment segment, final long offset, final int from, final int end)
    {
        int i = skipBlanks(segment, offset, from, end);
        if (i == end)
        {
            return accept();
        }
        final byte c = byteAt(segment, offset + i);
        if (i == from || ('R' != c && 'T' != c) || skipBlanks(segment, offset, i + 1, end) != end)
        {
            return reject(BAD_DATA, i);
        }
        return accept();
    }

    static int skipBlanks(final MemorySegment segment, final long offset, final int from, final int end)
    {
        int i = from;
        while (i < end && (' ' == byteAt(segment, offset + i) || '\t' == byteAt(segment, offset + i)))
        {
            i++;
        }
        return i;
    }

    static boolean isDigit(final byte c)
    {
        return c >= '0' && c <= '9';
    }

    /** Interface names: printable, no blanks (the kernel allows little else). */
    static boolean isNameByte(final byte c)
    {
        return c > ' ' && c != 0x7F;
    }
}
