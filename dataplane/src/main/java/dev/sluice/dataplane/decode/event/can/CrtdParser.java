package dev.sluice.dataplane.decode.event.can;

import java.lang.foreign.MemorySegment;

/**
 * A flyweight parser of one line of a CRTD log (the text format of GVRET and SavvyCAN):
 * <pre>
 *   166.064000 R11 0000021A FE 36 12 FE 69 05 07 AD
 *   166.064000 T29 1ABCDEF0 01 02
 *   166.064000 1R11 0000021A 00          with a bus number before the type
 *   166.064000 CXX GVRET-PC Reverse Engineering Tool Output V138
 * </pre>
 * R (received) and T (sent) records with 11 or 29 after them are frames; comment ({@code C..})
 * and event ({@code E..}) records are rejected as {@value #NOT_A_FRAME}. The bus number, when
 * present, is {@code can.interface}. Other rejections: {@value CandumpParser#EMPTY},
 * {@value CandumpParser#BAD_TIMESTAMP}, {@value CandumpParser#BAD_ID}, {@value CandumpParser#BAD_DATA}.
 * Confined to one thread.
 */
public final class CrtdParser extends CanFrameParser
{
    public static final String NOT_A_FRAME = "not_a_frame";

    /**
     * @param database the compiled DBC to decode signals with, or null.
     */
    public CrtdParser(final CanDatabase database)
    {
        super(database);
    }

    @Override
    public boolean parse(final MemorySegment segment, final long offset, final int length)
    {
        begin();
        int end = length;
        while (end > 0 && Character.isWhitespace(byteAt(segment, offset + end - 1)))
        {
            end--;
        }
        if (0 == end)
        {
            return reject(CandumpParser.EMPTY, 0);
        }
        int i = 0;
        long seconds = 0;
        while (i < end && CandumpParser.isDigit(byteAt(segment, offset + i)))
        {
            if (i == CandumpParser.MAX_SECONDS_DIGITS)
            {
                return reject(CandumpParser.BAD_TIMESTAMP, i);
            }
            seconds = seconds * 10 + (byteAt(segment, offset + i) - '0');
            i++;
        }
        if (0 == i || seconds > CandumpParser.MAX_SECONDS)
        {
            return reject(CandumpParser.BAD_TIMESTAMP, 0);
        }
        long nanos = 0;
        int fractionDigits = 0;
        if (i < end && '.' == byteAt(segment, offset + i))
        {
            i++;
            while (i < end && CandumpParser.isDigit(byteAt(segment, offset + i)))
            {
                if (fractionDigits++ == CandumpParser.NANOSECOND_DIGITS)
                {
                    return reject(CandumpParser.BAD_TIMESTAMP, i);
                }
                nanos = nanos * 10 + (byteAt(segment, offset + i) - '0');
                i++;
            }
        }
        for (int digits = fractionDigits; digits < CandumpParser.NANOSECOND_DIGITS; digits++)
        {
            nanos *= 10;
        }
        timestampNs = seconds * 1_000_000_000L + nanos;
        final int afterTimestamp = i;
        i = CandumpParser.skipBlanks(segment, offset, i, end);
        if (i == afterTimestamp || i == end)
        {
            return reject(CandumpParser.BAD_TIMESTAMP, i);
        }

        final int typeStart = i;
        while (i < end && CandumpParser.isDigit(byteAt(segment, offset + i)))
        {
            i++;
        }
        if (i > typeStart)
        {
            interfaceName.set(segment, offset + typeStart, i - typeStart);
        }
        final byte direction = i < end ? byteAt(segment, offset + i) : 0;
        if (('R' != direction && 'T' != direction) || i + 3 > end)
        {
            return reject(NOT_A_FRAME, typeStart);
        }
        final byte tens = byteAt(segment, offset + i + 1);
        final byte units = byteAt(segment, offset + i + 2);
        if ('1' == tens && '1' == units)
        {
            extended = false;
        }
        else if ('2' == tens && '9' == units)
        {
            extended = true;
        }
        else
        {
            return reject(NOT_A_FRAME, typeStart);
        }
        i += 3;
        final int afterType = i;
        i = CandumpParser.skipBlanks(segment, offset, i, end);
        if (i == afterType || i == end)
        {
            return reject(CandumpParser.BAD_ID, i);
        }

        final int idStart = i;
        long id = 0;
        int digit;
        while (i < end && (digit = hexValue(byteAt(segment, offset + i))) >= 0)
        {
            if (i - idStart == CandumpParser.EXTENDED_ID_DIGITS)
            {
                return reject(CandumpParser.BAD_ID, idStart);
            }
            id = id << 4 | digit;
            i++;
        }
        if (i == idStart || id > (extended ? DbcReader.MAX_EXTENDED_ID : DbcReader.MAX_STANDARD_ID))
        {
            return reject(CandumpParser.BAD_ID, idStart);
        }
        canId = (int)id;

        while (i < end)
        {
            final int beforeBlanks = i;
            i = CandumpParser.skipBlanks(segment, offset, i, end);
            if (i == end)
            {
                break;
            }
            final int high = hexValue(byteAt(segment, offset + i));
            final int low = i + 1 < end ? hexValue(byteAt(segment, offset + i + 1)) : -1;
            if (i == beforeBlanks || high < 0 || low < 0 || dataLength == MAX_CLASSIC_PAYLOAD_BYTES ||
                (i + 2 < end && ' ' != byteAt(segment, offset + i + 2) && '\t' != byteAt(segment, offset + i + 2)))
            {
                return reject(CandumpParser.BAD_DATA, i);
            }
            payload[dataLength++] = (byte)(high << 4 | low);
            i += 2;
        }
        dlc = dataLength;
        return accept();
    }
}
