package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.decode.event.can.CanDatabase;
import dev.sluice.dataplane.decode.event.can.CanFrameParser;
import dev.sluice.policy.field.DynamicPrefix;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * Serves a policy's {@code can.*} fields from a {@link CanFrameParser} (a candump line) that
 * accepted the current frame: {@code can.interface}, {@code can.id}, {@code can.dlc}, and the
 * policy's signals {@code can.<message>.<signal>}, each looked up once per policy in the
 * {@link CanDatabase} into a table of signal ids indexed by field id. A signal the DBC lacks, or
 * the frame does not carry (another message, a multiplexed signal not selected, a payload too
 * short) is absent. Everything else is absent; {@code item.kind} is {@code can}.
 * <p>
 * A signal reads as an integer from its physical value (scale and offset applied), truncated
 * toward zero, absent when negative; as text, its DBC value description when there is one for
 * the raw value, otherwise its physical value in decimal (an integral value as digits, else at most
 * {@value #FRACTION_DIGITS} fraction digits, trailing zeros dropped); never as an address.
 * Built per policy off the data path; {@link #wrap} per frame; no allocation per frame. Worker
 * thread only.
 */
public final class CanFieldReader implements FieldReader
{
    private static final String KIND = "can";
    static final int FRACTION_DIGITS = 9;
    private static final long FRACTION_SCALE = 1_000_000_000L;
    private static final int NO_SIGNAL = -1;

    /** Per field id: the DBC signal id, or {@link #NO_SIGNAL}. */
    private final int[] signalIds;
    private final FieldType[] types;
    private final TextValue value = new TextValue(64);
    private final byte[] digits = new byte[20];
    private CanFrameParser parser;

    /**
     * @param catalogue the policy's catalogue ({@code policy.catalogue()}).
     * @param database  the DBC the parser decodes signals with, or null (then every signal is absent).
     */
    public CanFieldReader(final FieldCatalogue catalogue, final CanDatabase database)
    {
        final int size = catalogue.size();
        signalIds = new int[size];
        types = new FieldType[size];
        java.util.Arrays.fill(signalIds, NO_SIGNAL);
        for (int id = EventFields.END_ID; id < size; id++)
        {
            final Field field = catalogue.byId(id);
            if (DynamicPrefix.CAN == field.dynamicPrefix() && null != database)
            {
                signalIds[id] = database.signalId(field.dynamicPath().get(0).key() + "." + field.dynamicPath().get(1).key());
                types[id] = field.type();
            }
        }
    }

    /**
     * @param parser a CAN parser whose last {@code parse} accepted the frame, built with the same database.
     * @return this.
     */
    public CanFieldReader wrap(final CanFrameParser parser)
    {
        this.parser = parser;
        return this;
    }

    @Override
    public boolean isPresent(final int fieldId)
    {
        return switch (fieldId)
        {
            case EventFields.ITEM_KIND, EventFields.CAN_ID, EventFields.CAN_DLC -> true;
            case EventFields.CAN_INTERFACE -> parser.interfaceName().length() > 0;
            default ->
            {
                final int index = signalIndex(fieldId);
                if (index < 0)
                {
                    yield false;
                }
                yield switch (types[fieldId])
                {
                    case STRING -> true;
                    case INTEGER -> signalInteger(index) >= 0;
                    case ADDRESS -> false;
                };
            }
        };
    }

    /** Where the field's signal is among the frame's decoded ones, or -1. */
    private int signalIndex(final int fieldId)
    {
        if (fieldId < EventFields.END_ID || fieldId >= signalIds.length || NO_SIGNAL == signalIds[fieldId])
        {
            return -1;
        }
        return parser.signalIndex(signalIds[fieldId]);
    }

    private long signalInteger(final int index)
    {
        if (parser.signalIntegral(index))
        {
            final long v = parser.signalLong(index);
            return v >= 0 ? v : TextValue.ABSENT;
        }
        return TextValue.truncate(parser.signalValue(index));
    }

    @Override
    public int occurrences(final int fieldId)
    {
        return isPresent(fieldId) ? 1 : 0;
    }

    @Override
    public long integer(final int fieldId, final int occurrence)
    {
        return switch (fieldId)
        {
            case EventFields.CAN_ID -> parser.canId();
            case EventFields.CAN_DLC -> parser.dlc();
            default ->
            {
                final int index = signalIndex(fieldId);
                yield index < 0 ? 0 : Math.max(0, signalInteger(index));
            }
        };
    }

    @Override
    public CharSequence text(final int fieldId)
    {
        switch (fieldId)
        {
            case EventFields.ITEM_KIND ->
            {
                return KIND;
            }
            case EventFields.CAN_INTERFACE ->
            {
                return parser.interfaceName();
            }
            default ->
            {
                final EventText out = value.text().clear();
                final int index = signalIndex(fieldId);
                if (index < 0)
                {
                    return out;
                }
                final String name = parser.signalValueName(index);
                if (null != name)
                {
                    return name;
                }
                if (parser.signalIntegral(index))
                {
                    appendLong(out, parser.signalLong(index));
                }
                else
                {
                    appendDecimal(out, parser.signalValue(index));
                }
                return out;
            }
        }
    }

    private void appendLong(final EventText out, final long v)
    {
        if (v < 0)
        {
            out.append((byte)'-');
        }
        appendDigits(out, v, 1);
    }

    /** Appends |v| in decimal with at least {@code minDigits} digits (leading zeros). */
    private void appendDigits(final EventText out, final long v, final int minDigits)
    {
        int n = 0;
        long rest = v;
        do
        {
            digits[n++] = (byte)('0' + Math.abs(rest % 10));
            rest /= 10;
        }
        while (0 != rest || n < minDigits);
        while (n > 0)
        {
            out.append(digits[--n]);
        }
    }

    private void appendDecimal(final EventText out, final double v)
    {
        if (!Double.isFinite(v) || Math.abs(v) >= 0x1p62)
        {
            return;
        }
        final double magnitude = Math.abs(v);
        long whole = (long)magnitude;
        long fraction = Math.round((magnitude - whole) * FRACTION_SCALE);
        if (fraction >= FRACTION_SCALE)
        {
            whole++;
            fraction -= FRACTION_SCALE;
        }
        if (v < 0 && (whole != 0 || fraction != 0))
        {
            out.append((byte)'-');
        }
        appendDigits(out, whole, 1);
        if (0 == fraction)
        {
            return;
        }
        int width = FRACTION_DIGITS;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            width--;
        }
        out.append((byte)'.');
        appendDigits(out, fraction, width);
    }

    @Override
    public int addressVersion(final int fieldId)
    {
        return 0;
    }

    @Override
    public long addressHigh(final int fieldId)
    {
        return 0;
    }

    @Override
    public long addressLow(final int fieldId)
    {
        return 0;
    }
}
