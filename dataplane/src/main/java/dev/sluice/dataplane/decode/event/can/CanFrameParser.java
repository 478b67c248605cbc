package dev.sluice.dataplane.decode.event.can;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.EventParser;
import dev.sluice.dataplane.decode.event.EventText;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What the CAN log parsers share: one frame's header and payload, and its decoding into DBC
 * signals, read through allocation-free accessors. A subclass reads its log syntax in
 * {@link #parse} and ends with {@link #accept()} or {@link #reject}.
 * <p>
 * Without a {@link CanDatabase} frames are parsed but carry no signals. With one, a frame whose
 * id the DBC lacks is accepted without signals and counted ({@link #unknownMessageCount()});
 * a signal the frame's payload is too short for is left out and counted
 * ({@link #signalsBeyondDataCount()}); a multiplexed signal is decoded only when the frame's
 * multiplexer value selects it.
 * <p>
 * Fields: {@code can.timestamp_ns}, {@code can.interface}, {@code can.id}, {@code can.extended},
 * {@code can.remote}, {@code can.fd}, {@code can.error}, {@code can.dlc}, {@code can.data} (upper-case hex),
 * {@code can.message} (the DBC message's name) and {@code can.<message>.<signal>}: an integer when the
 * signal's factor and offset are integers, else a decimal. Confined to one thread.
 */
public abstract sealed class CanFrameParser implements EventParser permits CandumpParser, CrtdParser, GvretCsvParser
{
    public static final String FIELD_TIMESTAMP_NS = "can.timestamp_ns";
    public static final String FIELD_INTERFACE = "can.interface";
    public static final String FIELD_ID = "can.id";
    public static final String FIELD_EXTENDED = "can.extended";
    public static final String FIELD_REMOTE = "can.remote";
    public static final String FIELD_FD = "can.fd";
    public static final String FIELD_ERROR = "can.error";
    public static final String FIELD_DLC = "can.dlc";
    public static final String FIELD_DATA = "can.data";
    public static final String FIELD_MESSAGE = "can.message";

    /** CAN FD's largest payload. */
    public static final int MAX_PAYLOAD_BYTES = 64;
    /** Classic CAN's largest payload. */
    public static final int MAX_CLASSIC_PAYLOAD_BYTES = 8;
    /** Interface names longer than this are kept truncated ({@link EventText#truncated()}). */
    public static final int INTERFACE_CAPACITY = 32;

    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final byte[] HEX_DIGITS = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] HEX_VALUES = new byte[256];

    static
    {
        java.util.Arrays.fill(HEX_VALUES, (byte)-1);
        for (int i = 0; i < 10; i++)
        {
            HEX_VALUES['0' + i] = (byte)i;
        }
        for (int i = 0; i < 6; i++)
        {
            HEX_VALUES['a' + i] = (byte)(10 + i);
            HEX_VALUES['A' + i] = (byte)(10 + i);
        }
    }

    private final CanDatabase database;

    // The frame, filled by the subclass between begin() and accept().
    /** The payload, with slack after it so a signal is always read with whole 64-bit loads. */
    final byte[] payload = new byte[MAX_PAYLOAD_BYTES + CanSignalLayout.LOAD_SLACK_BYTES];
    final EventText interfaceName = new EventText(INTERFACE_CAPACITY);
    int dataLength;
    int canId;
    boolean extended;
    boolean remote;
    boolean fd;
    boolean errorFrame;
    int dlc;
    int fdFlags;
    long timestampNs;

    private final EventText dataText = new EventText(2 * MAX_PAYLOAD_BYTES);
    private boolean dataTextFilled;
    private String rejectReason;
    private int rejectOffset = -1;

    private int messageIndex = -1;
    private int signalCount;
    private final int[] signalIds;
    private final long[] signalRaws;
    private final long[] signalIntegers;
    private final double[] signalValues;
    private final int[] positionInMessage;

    private long unknownMessageCount;
    private long signalsBeyondDataCount;

    /**
     * @param database the compiled DBC to decode signals with, or null to parse frames only.
     */
    CanFrameParser(final CanDatabase database)
    {
        this.database = database;
        final int maxSignals = null == database ? 0 : database.maxSignalsPerMessage();
        signalIds = new int[maxSignals];
        signalRaws = new long[maxSignals];
        signalIntegers = new long[maxSignals];
        signalValues = new double[maxSignals];
        positionInMessage = new int[maxSignals];
    }

    /** Resets the frame before a subclass reads a line. */
    final void begin()
    {
        interfaceName.clear();
        dataLength = 0;
        canId = 0;
        extended = false;
        remote = false;
        fd = false;
        errorFrame = false;
        dlc = 0;
        fdFlags = 0;
        timestampNs = 0;
        dataTextFilled = false;
        messageIndex = -1;
        signalCount = 0;
    }

    /**
     * @return false, remembering why and where.
     */
    final boolean reject(final String reason, final int offset)
    {
        rejectReason = reason;
        rejectOffset = offset;
        messageIndex = -1;
        signalCount = 0;
        return false;
    }

    /**
     * Ends a frame the subclass read completely: looks its message up and decodes its signals.
     *
     * @return true.
     */
    final boolean accept()
    {
        rejectReason = null;
        rejectOffset = -1;
        if (null != database && !errorFrame)
        {
            messageIndex = database.messageIndex(canId, extended);
            if (messageIndex < 0)
            {
                unknownMessageCount++;
            }
            else if (!remote)
            {
                decodeSignals(database, messageIndex);
            }
        }
        return true;
    }

    private void decodeSignals(final CanDatabase db, final int message)
    {
        final int first = db.messageFirstSignal(message);
        final int count = db.messageSignalCount(message);
        final int multiplexer = db.messageMultiplexer(message);
        long multiplexValue = Long.MIN_VALUE;
        if (multiplexer >= 0 && db.endByte[multiplexer] <= dataLength)
        {
            multiplexValue = db.raw(multiplexer, payload);
        }
        int decoded = 0;
        for (int relative = 0; relative < count; relative++)
        {
            final int signal = first + relative;
            positionInMessage[relative] = -1;
            final int selectedBy = db.multiplexValue[signal];
            if (selectedBy >= 0 && selectedBy != multiplexValue)
            {
                continue;
            }
            if (db.endByte[signal] > dataLength)
            {
                signalsBeyondDataCount++;
                continue;
            }
            final long raw = db.raw(signal, payload);
            signalIds[decoded] = signal;
            signalRaws[decoded] = raw;
            if (db.integral[signal])
            {
                final long value = db.integerValue(signal, raw);
                signalIntegers[decoded] = value;
                signalValues[decoded] = value;
            }
            else
            {
                signalValues[decoded] = db.value(signal, raw);
            }
            positionInMessage[relative] = decoded;
            decoded++;
        }
        signalCount = decoded;
    }

    @Override
    public final String rejectReason()
    {
        return rejectReason;
    }

    @Override
    public final int rejectOffset()
    {
        return rejectOffset;
    }

    /**
     * @return the compiled DBC, or null.
     */
    public final CanDatabase database()
    {
        return database;
    }

    /**
     * @return the identifier: 11 bits, or 29 when {@link #extended()}; an error frame's error class bits.
     */
    public final int canId()
    {
        return canId;
    }

    /**
     * @return true for a 29-bit identifier.
     */
    public final boolean extended()
    {
        return extended;
    }

    /**
     * @return true for a remote transmission request (no payload).
     */
    public final boolean remote()
    {
        return remote;
    }

    /**
     * @return true for a CAN FD frame.
     */
    public final boolean fd()
    {
        return fd;
    }

    /**
     * @return a CAN FD frame's flags nibble (1 = bit rate switch, 2 = error state indicator); 0 otherwise.
     */
    public final int fdFlags()
    {
        return fdFlags;
    }

    /**
     * @return true for an error frame (CAN_ERR_FLAG set in the id).
     */
    public final boolean errorFrame()
    {
        return errorFrame;
    }

    /**
     * @return the data length code: the byte count for classic frames (9-15 when the log gives a raw DLC),
     * the requested length of a remote frame, the 4-bit code of a CAN FD frame's length.
     */
    public final int dlc()
    {
        return dlc;
    }

    /**
     * @return how many payload bytes the frame carries.
     */
    public final int dataLength()
    {
        return dataLength;
    }

    /**
     * @return payload byte {@code index}, 0 to 255.
     */
    public final int dataByte(final int index)
    {
        if (index < 0 || index >= dataLength)
        {
            throw new IndexOutOfBoundsException(index);
        }
        return payload[index] & 0xFF;
    }

    /**
     * @return when the frame was logged, in nanoseconds since the log's epoch (usually the Unix epoch).
     */
    public final long timestampNs()
    {
        return timestampNs;
    }

    /**
     * @return the interface (or bus) the frame was logged on; empty when the log names none. Valid until the next parse.
     */
    public final EventText interfaceName()
    {
        return interfaceName;
    }

    /**
     * @return the payload as upper-case hex, filled on first use; valid until the next parse.
     */
    public final EventText data()
    {
        if (!dataTextFilled)
        {
            dataText.clear();
            for (int i = 0; i < dataLength; i++)
            {
                dataText.append(HEX_DIGITS[(payload[i] >>> 4) & 0xF]);
                dataText.append(HEX_DIGITS[payload[i] & 0xF]);
            }
            dataTextFilled = true;
        }
        return dataText;
    }

    /**
     * @return the DBC message's index in the {@link CanDatabase}, or -1 when unknown or without a DBC.
     */
    public final int messageIndex()
    {
        return messageIndex;
    }

    /**
     * @return the DBC message's name, or null.
     */
    public final String messageName()
    {
        return messageIndex < 0 ? null : database.messageName(messageIndex);
    }

    /**
     * @return how many signals the last frame decoded to.
     */
    public final int signalCount()
    {
        return signalCount;
    }

    /**
     * @param index 0 to {@link #signalCount()} - 1.
     * @return the decoded signal's id in the {@link CanDatabase} (its field name: {@link CanDatabase#fieldName}).
     */
    public final int signalId(final int index)
    {
        checkSignal(index);
        return signalIds[index];
    }

    /**
     * @return the physical value, {@code raw * factor + offset}.
     */
    public final double signalValue(final int index)
    {
        checkSignal(index);
        return signalValues[index];
    }

    /**
     * @return true when the physical value is an exact integer ({@link #signalLong}).
     */
    public final boolean signalIntegral(final int index)
    {
        checkSignal(index);
        return database.integral[signalIds[index]];
    }

    /**
     * @return the physical value of an {@link #signalIntegral} signal as a long.
     */
    public final long signalLong(final int index)
    {
        checkSignal(index);
        return database.integral[signalIds[index]] ? signalIntegers[index] : (long)signalValues[index];
    }

    /**
     * @return the raw bits as read (sign-extended when signed).
     */
    public final long signalRaw(final int index)
    {
        checkSignal(index);
        return signalRaws[index];
    }

    /**
     * @return the {@code VAL_} description of the signal's raw value, or null.
     */
    public final String signalValueName(final int index)
    {
        checkSignal(index);
        return database.valueName(signalIds[index], signalRaws[index]);
    }

    /**
     * Where a signal is among the last frame's decoded ones; O(1), no allocation.
     *
     * @param signalId a {@link CanDatabase} signal id, resolved once with {@link CanDatabase#signalId}.
     * @return the index for {@link #signalValue}, or -1 when the frame does not carry the signal.
     */
    public final int signalIndex(final int signalId)
    {
        if (messageIndex < 0 || 0 == signalCount)
        {
            return -1;
        }
        final int relative = signalId - database.messageFirstSignal(messageIndex);
        return relative < 0 || relative >= database.messageSignalCount(messageIndex) ? -1 : positionInMessage[relative];
    }

    /**
     * Where a signal is among the last frame's decoded ones, by name; a hash lookup over
     * precomputed names, no allocation. Resolve the name once with {@link CanDatabase#signalId} where you can.
     *
     * @param messageDotSignal {@code <message>.<signal>}, or with the {@code can.} prefix.
     * @return the index for {@link #signalValue}, or -1 when the frame does not carry the signal.
     */
    public final int signalIndex(final CharSequence messageDotSignal)
    {
        if (messageIndex < 0 || 0 == signalCount)
        {
            return -1;
        }
        final int signalId = database.signalId(messageDotSignal);
        return signalId < 0 ? -1 : signalIndex(signalId);
    }

    /**
     * @return frames accepted whose id the DBC does not define (0 without a DBC); since construction.
     */
    public final long unknownMessageCount()
    {
        return unknownMessageCount;
    }

    /**
     * @return signals left out because their frame's payload was too short for them; since construction.
     */
    public final long signalsBeyondDataCount()
    {
        return signalsBeyondDataCount;
    }

    @Override
    public final void visitFields(final EventFieldVisitor visitor)
    {
        if (null != rejectReason)
        {
            return;
        }
        visitor.integer(FIELD_TIMESTAMP_NS, timestampNs);
        if (interfaceName.length() > 0)
        {
            visitor.text(FIELD_INTERFACE, interfaceName);
        }
        visitor.integer(FIELD_ID, canId);
        visitor.bool(FIELD_EXTENDED, extended);
        visitor.bool(FIELD_REMOTE, remote);
        visitor.bool(FIELD_FD, fd);
        visitor.bool(FIELD_ERROR, errorFrame);
        visitor.integer(FIELD_DLC, dlc);
        visitor.text(FIELD_DATA, data());
        if (messageIndex >= 0)
        {
            visitor.text(FIELD_MESSAGE, database.messageName(messageIndex));
        }
        for (int i = 0; i < signalCount; i++)
        {
            final int signal = signalIds[i];
            if (database.integral[signal])
            {
                visitor.integer(database.fieldName(signal), signalIntegers[i]);
            }
            else
            {
                visitor.decimal(database.fieldName(signal), signalValues[i]);
            }
        }
    }

    private void checkSignal(final int index)
    {
        if (index < 0 || index >= signalCount)
        {
            throw new IndexOutOfBoundsException(index);
        }
    }

    /**
     * @return the value of a hex digit, or -1.
     */
    static int hexValue(final byte c)
    {
        return HEX_VALUES[c & 0xFF];
    }

    static byte byteAt(final MemorySegment segment, final long offset)
    {
        return segment.get(BYTE, offset);
    }

    /**
     * @return the 4-bit CAN FD DLC code of a payload length, or -1 when no FD frame has that length.
     */
    static int fdDlc(final int length)
    {
        if (length <= 8)
        {
            return length;
        }
        return switch (length)
        {
            case 12 -> 9;
            case 16 -> 10;
            case 20 -> 11;
            case 24 -> 12;
            case 32 -> 13;
            case 48 -> 14;
            case 64 -> 15;
            default -> -1;
        };
    }
}
