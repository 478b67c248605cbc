package dev.sluice.dataplane.decode.event.can;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link DbcFile} compiled for the data path: messages found by CAN id without hashing or
 * boxing (a direct table for the 2,048 standard ids, a sorted array for extended ones), and
 * every signal's extraction precomputed (first byte, shift, length, sign, scaling) into flat
 * arrays, so decoding a frame allocates nothing.
 * <p>
 * Signals have ids {@code 0..signalCount()-1}, contiguous per message in file order. Their field
 * names are {@code can.<message>.<signal>}. Immutable after {@link #compile}; any thread.
 */
public final class CanDatabase
{
    /** Prefix of every CAN field name in the policy language. */
    public static final String FIELD_PREFIX = "can.";
    static final int STANDARD_IDS = DbcReader.MAX_STANDARD_ID + 1;
    static final byte INTEGER = 0;
    static final byte FLOAT32 = 1;
    static final byte FLOAT64 = 2;
    /** Beyond this magnitude a scaled value no longer stays exact as a long: decode as decimal. */
    private static final double INTEGRAL_LIMIT = 0x1p62;

    private final DbcFile dbc;
    private final int[] standardMessages = new int[STANDARD_IDS];
    private final int[] extendedIds;
    private final int[] extendedMessages;

    private final String[] messageNames;
    private final int[] messageFirstSignal;
    private final int[] messageSignalCount;
    private final int[] messageMultiplexer;
    private final int maxSignalsPerMessage;

    private final String[] fieldNames;
    private final int[] signalMessage;
    final int[] firstByte;
    final int[] shift;
    final int[] length;
    final int[] endByte;
    final boolean[] littleEndian;
    final boolean[] signed;
    final byte[] valueType;
    final int[] multiplexValue;
    final boolean[] integral;
    final long[] integerFactor;
    final long[] integerOffset;
    final double[] factor;
    final double[] offset;
    private final long[][] valueKeys;
    private final String[][] valueTexts;

    private final int[] nameTable;
    private final int nameMask;

    private CanDatabase(final DbcFile dbc)
    {
        this.dbc = dbc;
        final List<DbcMessage> messages = dbc.messages();
        final int messageCount = messages.size();
        int signalCount = 0;
        int extendedCount = 0;
        int maxSignals = 0;
        for (final DbcMessage message : messages)
        {
            signalCount += message.signals().size();
            maxSignals = Math.max(maxSignals, message.signals().size());
            extendedCount += message.extended() ? 1 : 0;
        }
        maxSignalsPerMessage = maxSignals;
        messageNames = new String[messageCount];
        messageFirstSignal = new int[messageCount];
        messageSignalCount = new int[messageCount];
        messageMultiplexer = new int[messageCount];
        fieldNames = new String[signalCount];
        signalMessage = new int[signalCount];
        firstByte = new int[signalCount];
        shift = new int[signalCount];
        length = new int[signalCount];
        endByte = new int[signalCount];
        littleEndian = new boolean[signalCount];
        signed = new boolean[signalCount];
        valueType = new byte[signalCount];
        multiplexValue = new int[signalCount];
        integral = new boolean[signalCount];
        integerFactor = new long[signalCount];
        integerOffset = new long[signalCount];
        factor = new double[signalCount];
        offset = new double[signalCount];
        valueKeys = new long[signalCount][];
        valueTexts = new String[signalCount][];

        Arrays.fill(standardMessages, -1);
        final long[] extendedSorted = new long[extendedCount];
        int extended = 0;
        int signal = 0;
        for (int m = 0; m < messageCount; m++)
        {
            final DbcMessage message = messages.get(m);
            messageNames[m] = message.name();
            messageFirstSignal[m] = signal;
            messageSignalCount[m] = message.signals().size();
            messageMultiplexer[m] = -1;
            if (message.extended())
            {
                extendedSorted[extended++] = (long)message.id() << 32 | m;
            }
            else
            {
                standardMessages[message.id()] = m;
            }
            for (final DbcSignal s : message.signals())
            {
                compileSignal(signal, m, message, s);
                if (s.multiplexer() && -1 == messageMultiplexer[m])
                {
                    messageMultiplexer[m] = signal;
                }
                signal++;
            }
        }
        Arrays.sort(extendedSorted);
        extendedIds = new int[extendedCount];
        extendedMessages = new int[extendedCount];
        for (int i = 0; i < extendedCount; i++)
        {
            extendedIds[i] = (int)(extendedSorted[i] >>> 32);
            extendedMessages[i] = (int)extendedSorted[i];
        }

        final int tableSize = Integer.highestOneBit(Math.max(4, signalCount * 2 - 1)) << 1;
        nameTable = new int[tableSize];
        nameMask = tableSize - 1;
        for (int i = 0; i < signalCount; i++)
        {
            int slot = hash(fieldNames[i], FIELD_PREFIX.length()) & nameMask;
            while (0 != nameTable[slot])
            {
                slot = (slot + 1) & nameMask;
            }
            nameTable[slot] = i + 1;
        }
    }

    private void compileSignal(final int i, final int messageIndex, final DbcMessage message, final DbcSignal s)
    {
        fieldNames[i] = FIELD_PREFIX + message.name() + "." + s.name();
        signalMessage[i] = messageIndex;
        firstByte[i] = CanSignalLayout.firstByte(s.startBit());
        shift[i] = CanSignalLayout.shift(s.startBit(), s.littleEndian());
        length[i] = s.length();
        endByte[i] = CanSignalLayout.lastByte(s.startBit(), s.length(), s.littleEndian()) + 1;
        littleEndian[i] = s.littleEndian();
        signed[i] = s.signed();
        valueType[i] = switch (s.valueType())
        {
            case INTEGER -> INTEGER;
            case FLOAT32 -> FLOAT32;
            case FLOAT64 -> FLOAT64;
        };
        multiplexValue[i] = s.multiplexValue();
        factor[i] = s.factor();
        offset[i] = s.offset();
        // Exact as a long: integral scaling of an integer that cannot overflow (unsigned 64-bit raw values excepted).
        final double rawMagnitude = Math.scalb(1.0, s.length());
        integral[i] = INTEGER == valueType[i] &&
            s.factor() == Math.rint(s.factor()) && s.offset() == Math.rint(s.offset()) &&
            (s.signed() || s.length() < Long.SIZE) &&
            rawMagnitude * Math.abs(s.factor()) + Math.abs(s.offset()) < INTEGRAL_LIMIT;
        integerFactor[i] = integral[i] ? (long)s.factor() : 0;
        integerOffset[i] = integral[i] ? (long)s.offset() : 0;
        final Map<Long, String> names = s.valueNames();
        valueKeys[i] = names.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        valueTexts[i] = new String[valueKeys[i].length];
        for (int k = 0; k < valueKeys[i].length; k++)
        {
            valueTexts[i][k] = names.get(valueKeys[i][k]);
        }
    }

    /**
     * @param dbc a loaded DBC file.
     * @return its compiled form.
     */
    public static CanDatabase compile(final DbcFile dbc)
    {
        return new CanDatabase(Objects.requireNonNull(dbc, "dbc"));
    }

    /**
     * @return the file this was compiled from.
     */
    public DbcFile dbc()
    {
        return dbc;
    }

    /**
     * @return how many messages.
     */
    public int messageCount()
    {
        return messageNames.length;
    }

    /**
     * Data path: no allocation.
     *
     * @param canId    an 11- or 29-bit identifier.
     * @param extended true for a 29-bit identifier.
     * @return the message's index, or -1 when the DBC has no such message.
     */
    public int messageIndex(final int canId, final boolean extended)
    {
        if (!extended)
        {
            return canId >= 0 && canId < STANDARD_IDS ? standardMessages[canId] : -1;
        }
        final int found = Arrays.binarySearch(extendedIds, canId);
        return found >= 0 ? extendedMessages[found] : -1;
    }

    /**
     * @return the message's name.
     */
    public String messageName(final int messageIndex)
    {
        return messageNames[messageIndex];
    }

    /**
     * @return the message's first signal id; its signals are the next {@link #messageSignalCount} ids.
     */
    public int messageFirstSignal(final int messageIndex)
    {
        return messageFirstSignal[messageIndex];
    }

    /**
     * @return how many signals the message has.
     */
    public int messageSignalCount(final int messageIndex)
    {
        return messageSignalCount[messageIndex];
    }

    /**
     * @return the message's multiplexer signal id, or -1 when it has none.
     */
    public int messageMultiplexer(final int messageIndex)
    {
        return messageMultiplexer[messageIndex];
    }

    /**
     * @return the most signals any message has: what a decoder sizes its per-frame arrays to.
     */
    public int maxSignalsPerMessage()
    {
        return maxSignalsPerMessage;
    }

    /**
     * @return how many signals, over all messages.
     */
    public int signalCount()
    {
        return fieldNames.length;
    }

    /**
     * @return the signal's field name, {@code can.<message>.<signal>}.
     */
    public String fieldName(final int signalId)
    {
        return fieldNames[signalId];
    }

    /**
     * @return the index of the signal's message.
     */
    public int signalMessage(final int signalId)
    {
        return signalMessage[signalId];
    }

    /**
     * @return true when the signal's physical value is an exact integer ({@link #integerValue}).
     */
    public boolean integral(final int signalId)
    {
        return integral[signalId];
    }

    /**
     * Resolves a field name once (a policy compiler does this off the data path); allocates nothing.
     *
     * @param name {@code <message>.<signal>}, or with the {@code can.} prefix.
     * @return the signal id, or -1 when the DBC has no such signal.
     */
    public int signalId(final CharSequence name)
    {
        final int id = find(name, 0);
        if (-1 != id || !startsWithPrefix(name))
        {
            return id;
        }
        return find(name, FIELD_PREFIX.length());
    }

    /**
     * Reads a signal's raw value, sign-extended when signed; no allocation.
     *
     * @param payload the payload, followed by {@link CanSignalLayout#LOAD_SLACK_BYTES} readable bytes; the
     *                caller checks {@code endByte[signalId] <= payload length}.
     */
    long raw(final int signalId, final byte[] payload)
    {
        final int bits = length[signalId];
        final long raw = CanSignalLayout.extract(payload, firstByte[signalId], shift[signalId], bits, littleEndian[signalId]);
        if (signed[signalId] && bits < Long.SIZE && INTEGER == valueType[signalId])
        {
            return raw << (Long.SIZE - bits) >> (Long.SIZE - bits);
        }
        return raw;
    }

    /**
     * @return {@code raw * factor + offset} in long arithmetic; only for {@link #integral} signals.
     */
    long integerValue(final int signalId, final long raw)
    {
        return raw * integerFactor[signalId] + integerOffset[signalId];
    }

    /**
     * @return the physical value: {@code raw * factor + offset}, the raw bits read as IEEE
     * float or double first when the DBC says so.
     */
    double value(final int signalId, final long raw)
    {
        final double base = switch (valueType[signalId])
        {
            case FLOAT32 -> Float.intBitsToFloat((int)raw);
            case FLOAT64 -> Double.longBitsToDouble(raw);
            default -> signed[signalId] || raw >= 0 ? (double)raw : unsignedToDouble(raw);
        };
        return base * factor[signalId] + offset[signalId];
    }

    /**
     * @param raw the signal's raw value.
     * @return the {@code VAL_} description of that value, or null; no allocation.
     */
    public String valueName(final int signalId, final long raw)
    {
        final long[] keys = valueKeys[signalId];
        if (0 == keys.length)
        {
            return null;
        }
        final int found = Arrays.binarySearch(keys, raw);
        return found >= 0 ? valueTexts[signalId][found] : null;
    }

    private static double unsignedToDouble(final long raw)
    {
        return (double)(raw >>> 1) * 2.0 + (raw & 1);
    }

    private int find(final CharSequence name, final int from)
    {
        int slot = hash(name, from) & nameMask;
        int entry;
        while (0 != (entry = nameTable[slot]))
        {
            final String candidate = fieldNames[entry - 1];
            if (regionEquals(candidate, name, from))
            {
                return entry - 1;
            }
            slot = (slot + 1) & nameMask;
        }
        return -1;
    }

    private static boolean regionEquals(final String candidate, final CharSequence name, final int from)
    {
        final int length = name.length() - from;
        if (candidate.length() - FIELD_PREFIX.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (candidate.charAt(FIELD_PREFIX.length() + i) != name.charAt(from + i))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithPrefix(final CharSequence name)
    {
        if (name.length() < FIELD_PREFIX.length())
        {
            return false;
        }
        for (int i = 0; i < FIELD_PREFIX.length(); i++)
        {
            if (name.charAt(i) != FIELD_PREFIX.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    private static int hash(final CharSequence text, final int from)
    {
        int hash = 0;
        for (int i = from; i < text.length(); i++)
        {
            hash = 31 * hash + text.charAt(i);
        }
        return hash ^ (hash >>> 16);
    }
}
