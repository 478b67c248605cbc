package dev.sluice.dataplane.decode.event.can;

import java.lang.foreign.MemorySegment;

/**
 * A flyweight parser of one line of a GVRET CSV log (SavvyCAN's native format):
 * <pre>
 *   Time Stamp,ID,Extended,Bus,LEN,D1,D2,D3,D4,D5,D6,D7,D8
 *   166064000,0000021A,false,0,8,FE,36,12,FE,69,05,07,AD,
 *   166064000,0000021A,false,Rx,0,8,FE,36,12,FE,69,05,07,AD,     newer files add a direction column
 *   166064000,0000027A,false,0,7,30,30,0D,8C,09,15,00,00,       data columns past LEN are padding
 * </pre>
 * The time stamp is in microseconds; the bus number is {@code can.interface}. The header line
 * is rejected as {@value CrtdParser#NOT_A_FRAME}; other rejections: {@value CandumpParser#EMPTY},
 * {@value CandumpParser#BAD_TIMESTAMP}, {@value CandumpParser#BAD_ID}, {@value CandumpParser#BAD_DATA}.
 * Confined to one thread.
 */
public final class GvretCsvParser extends CanFrameParser
{
    /** At most 15 digits: microseconds whose nanoseconds still fit a long. */
    static final int MAX_MICROSECOND_DIGITS = 15;

    private int cursor;

    /**
     * @param database the compiled DBC to decode signals with, or null.
     */
    public GvretCsvParser(final CanDatabase database)
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
        if (!CandumpParser.isDigit(byteAt(segment, offset)))
        {
            return reject(CrtdParser.NOT_A_FRAME, 0);
        }
        int i = 0;
        long micros = 0;
        while (i < end && CandumpParser.isDigit(byteAt(segment, offset + i)))
        {
            if (i == MAX_MICROSECOND_DIGITS)
            {
                return reject(CandumpParser.BAD_TIMESTAMP, 0);
            }
            micros = micros * 10 + (byteAt(segment, offset + i) - '0');
            i++;
        }
        if (i >= end || ',' != byteAt(segment, offset + i))
        {
            return reject(CandumpParser.BAD_TIMESTAMP, i);
        }
        timestampNs = micros * 1_000L;
        i++;

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
        if (i == idStart || i >= end || ',' != byteAt(segment, offset + i))
        {
            return reject(CandumpParser.BAD_ID, i);
        }
        i++;
        if (matches(segment, offset, i, end, "true,"))
        {
            extended = true;
            i += 5;
        }
        else if (matches(segment, offset, i, end, "false,"))
        {
            i += 6;
        }
        else
        {
            return reject(CandumpParser.BAD_ID, i);
        }
        if (id > (extended ? DbcReader.MAX_EXTENDED_ID : DbcReader.MAX_STANDARD_ID))
        {
            return reject(CandumpParser.BAD_ID, idStart);
        }
        canId = (int)id;
        if (matches(segment, offset, i, end, "Rx,") || matches(segment, offset, i, end, "Tx,"))
        {
            i += 3;
        }

        final int busStart = i;
        while (i < end && CandumpParser.isDigit(byteAt(segment, offset + i)))
        {
            i++;
        }
        if (i == busStart || i >= end || ',' != byteAt(segment, offset + i))
        {
            return reject(CandumpParser.BAD_DATA, i);
        }
        interfaceName.set(segment, offset + busStart, i - busStart);
        i++;

        final int lengthStart = i;
        int declared = 0;
        while (i < end && CandumpParser.isDigit(byteAt(segment, offset + i)) && i - lengthStart < 2)
        {
            declared = declared * 10 + (byteAt(segment, offset + i) - '0');
            i++;
        }
        if (i == lengthStart || declared > MAX_CLASSIC_PAYLOAD_BYTES || (i < end && ',' != byteAt(segment, offset + i)))
        {
            return reject(CandumpParser.BAD_DATA, lengthStart);
        }
        cursor = i;
        for (int b = 0; b < declared; b++)
        {
            if (cursor >= end)
            {
                return reject(CandumpParser.BAD_DATA, cursor);
            }
            cursor++;
            final int value = hexByte(segment, offset, cursor, end);
            if (value < 0)
            {
                return reject(CandumpParser.BAD_DATA, cursor);
            }
            payload[dataLength++] = (byte)value;
        }
        // SavvyCAN writes all eight data columns, the ones past LEN as padding: check them, ignore them.
        while (cursor < end)
        {
            cursor++;
            if (cursor < end && ',' != byteAt(segment, offset + cursor) && hexByte(segment, offset, cursor, end) < 0)
            {
                return reject(CandumpParser.BAD_DATA, cursor);
            }
        }
        dlc = dataLength;
        return accept();
    }

    /** One or two hex digits up to the next comma or the end; moves {@link #cursor} past them. */
    private int hexByte(final MemorySegment segment, final long offset, final int from, final int end)
    {
        int i = from;
        int value = 0;
        while (i < end && ',' != byteAt(segment, offset + i))
        {
            final int digit = hexValue(byteAt(segment, offset + i));
            if (digit < 0 || i - from == 2)
            {
                return -1;
            }
            value = value << 4 | digit;
            i++;
        }
        cursor = i;
        return i == from ? -1 : value;
    }

    private static boolean matches(final MemorySegment segment, final long offset, final int from, final int end, final String text)
    {
        if (end - from < text.length())
        {
            return false;
        }
        for (int k = 0; k < text.length(); k++)
        {
            if (byteAt(segment, offset + from + k) != text.charAt(k))
            {
                return false;
            }
        }
        return true;
    }
}
