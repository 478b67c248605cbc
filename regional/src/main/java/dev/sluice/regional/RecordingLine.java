package dev.sluice.regional;

import dev.sluice.protocol.EventKind;
import dev.sluice.regional.sink.DataKind;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Reads back what a sink needs of one line of the core's NDJSON recording: the stream it belongs to
 * (gateway, destination, worker), its batch's sequence and its {@link DataKind}. The line starts the
 * way {@link NdjsonBatchWriter} writes every record:
 * <pre>
 * {"gateway":"..","site":"..","origin_region":"..","destination":"..","worker":N,"seq":N,...,"type":"event","ts_ns":N,"kind":"syslog"...
 * </pre>
 * so the fields are read in that order, exactly as written, without a JSON parser and without
 * allocating; a line that does not start so is not a record of this writer. The stream's
 * identifiers are unescaped into a key laid out as the {@code DataBatch} fields are (NUL-padded), so
 * that {@link StreamTable#intern} finds the stream as it does for a frame.
 * <p>
 * One thread.
 */
final class RecordingLine
{
    private static final byte[] OPEN_GATEWAY = ascii("{\"" + NdjsonFields.GATEWAY + "\":\"");
    private static final byte[] KEY_SITE = ascii(",\"" + NdjsonFields.SITE + "\":\"");
    private static final byte[] KEY_ORIGIN_REGION = ascii(",\"" + NdjsonFields.ORIGIN_REGION + "\":\"");
    private static final byte[] KEY_DESTINATION = ascii(",\"" + NdjsonFields.DESTINATION + "\":\"");
    private static final byte[] KEY_WORKER = ascii(",\"" + NdjsonFields.WORKER + "\":");
    private static final byte[] KEY_SEQUENCE = ascii(",\"" + NdjsonFields.SEQUENCE + "\":");
    private static final byte[] KEY_POLICY_VERSION = ascii(",\"" + NdjsonFields.POLICY_VERSION + "\":");
    private static final byte[] KEY_ENCODED_TS_NS = ascii(",\"" + NdjsonFields.ENCODED_TS_NS + "\":");
    private static final byte[] KEY_TYPE = ascii(",\"" + NdjsonFields.TYPE + "\":\"");
    private static final byte[] EVENT_TS_NS = ascii(NdjsonFields.TYPE_EVENT + "\",\"" + NdjsonFields.TS_NS + "\":");
    private static final byte[] KEY_KIND = ascii(",\"" + NdjsonFields.KIND + "\":\"");
    private static final byte[] TYPE_PACKET = ascii(NdjsonFields.TYPE_PACKET + "\"");
    private static final byte[] TYPE_FLOW = ascii(NdjsonFields.TYPE_FLOW + "\"");
    private static final byte[] TYPE_FRAME = ascii(NdjsonFields.TYPE_FRAME + "\"");
    private static final DataKind[] EVENT_KINDS;
    private static final byte[][] EVENT_LABELS;

    static
    {
        final EventKind[] kinds = EventKind.values();
        EVENT_KINDS = new DataKind[kinds.length];
        EVENT_LABELS = new byte[kinds.length][];
        for (int i = 0; i < kinds.length; i++)
        {
            EVENT_KINDS[i] = DataKind.ofEvent(kinds[i].code());
            EVENT_LABELS[i] = ascii(kinds[i].label() + "\"");
        }
    }

    private final UnsafeBuffer key = new UnsafeBuffer(new byte[StreamTable.KEY_LENGTH]);
    private int workerIndex;
    private long sequence;
    private DataKind kind;
    private int index;

    /**
     * Reads one line.
     *
     * @param buffer holding it.
     * @param start  of the line.
     * @param end    of the line, at its newline.
     * @return true when the line starts as the writer writes records; false leaves the fields unspecified.
     */
    boolean parse(final DirectBuffer buffer, final int start, final int end)
    {
        index = start;
        key.setMemory(0, StreamTable.KEY_LENGTH, (byte)0);
        if (!expect(buffer, end, OPEN_GATEWAY) ||
            !readString(buffer, end, 0, StreamTable.GATEWAY_ID_LENGTH) ||
            !expect(buffer, end, KEY_SITE) || !readString(buffer, end, 0, 0) ||
            !expect(buffer, end, KEY_ORIGIN_REGION) || !readString(buffer, end, 0, 0) ||
            !expect(buffer, end, KEY_DESTINATION) ||
            !readString(buffer, end, StreamTable.GATEWAY_ID_LENGTH, StreamTable.REGION_LENGTH) ||
            !expect(buffer, end, KEY_WORKER))
        {
            return false;
        }
        final long worker = readNumber(buffer, end);
        if (worker < 0 || worker > 0xFFFF || !expect(buffer, end, KEY_SEQUENCE))
        {
            return false;
        }
        workerIndex = (int)worker;
        sequence = readNumber(buffer, end);
        if (sequence < 1 ||
            !expect(buffer, end, KEY_POLICY_VERSION) || !skipDigits(buffer, end) ||
            !expect(buffer, end, KEY_ENCODED_TS_NS) || !skipDigits(buffer, end) ||
            !expect(buffer, end, KEY_TYPE))
        {
            return false;
        }

        kind = readKind(buffer, end);
        return null != kind;
    }

    /**
     * @return the stream's identifiers, NUL-padded as in a {@code DataBatch}: the gateway id at 0,
     * the destination region at {@link StreamTable#GATEWAY_ID_LENGTH}; valid until the next parse.
     */
    DirectBuffer key()
    {
        return key;
    }

    int workerIndex()
    {
        return workerIndex;
    }

    long sequence()
    {
        return sequence;
    }

    DataKind kind()
    {
        return kind;
    }

    private DataKind readKind(final DirectBuffer buffer, final int end)
    {
        if (matches(buffer, end, TYPE_PACKET))
        {
            return DataKind.PACKETS;
        }
        if (matches(buffer, end, TYPE_FLOW))
        {
            return DataKind.FLOWS;
        }
        if (matches(buffer, end, TYPE_FRAME))
        {
            return DataKind.FRAMES;
        }
        if (!expect(buffer, end, EVENT_TS_NS) || !skipDigits(buffer, end))
        {
            return null;
        }
        // An event of a kind this build does not know has "event_kind":N instead.
        if (!expect(buffer, end, KEY_KIND))
        {
            return DataKind.EVENTS_OTHER;
        }
        for (int i = 0; i < EVENT_LABELS.length; i++)
        {
            if (matches(buffer, end, EVENT_LABELS[i]))
            {
                return EVENT_KINDS[i];
            }
        }

        return DataKind.EVENTS_OTHER;
    }

    private boolean matches(final DirectBuffer buffer, final int end, final byte[] expected)
    {
        if (index + expected.length > end)
        {
            return false;
        }
        for (int i = 0; i < expected.length; i++)
        {
            if (buffer.getByte(index + i) != expected[i])
            {
                return false;
            }
        }

        return true;
    }

    private boolean expect(final DirectBuffer buffer, final int end, final byte[] expected)
    {
        if (!matches(buffer, end, expected))
        {
            return false;
        }
        index += expected.length;

        return true;
    }

    private boolean skipDigits(final DirectBuffer buffer, final int end)
    {
        final int from = index;
        while (index < end && buffer.getByte(index) >= '0' && buffer.getByte(index) <= '9')
        {
            index++;
        }

        return index > from;
    }

    /**
     * Reads a JSON string's content up to its closing quote, unescaping {@code \"} and {@code \\}
     * (the only escapes the writer uses in identifiers) into the key at {@code keyOffset} when
     * {@code keyLength} is not 0.
     */
    private boolean readString(final DirectBuffer buffer, final int end, final int keyOffset, final int keyLength)
    {
        int written = 0;
        while (index < end)
        {
            byte b = buffer.getByte(index++);
            if ('"' == b)
            {
                return true;
            }
            if ('\\' == b)
            {
                if (index >= end)
                {
                    return false;
                }
                b = buffer.getByte(index++);
            }
            if (0 != keyLength)
            {
                if (written == keyLength)
                {
                    return false;
                }
                key.putByte(keyOffset + written++, b);
            }
        }

        return false;
    }

    private long readNumber(final DirectBuffer buffer, final int end)
    {
        long value = 0;
        int digits = 0;
        while (index < end)
        {
            final byte b = buffer.getByte(index);
            if (b < '0' || b > '9')
            {
                break;
            }
            if (value > (Long.MAX_VALUE - 9) / 10)
            {
                return -1;
            }
            value = value * 10 + (b - '0');
            digits++;
            index++;
        }

        return 0 == digits ? -1 : value;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
