package dev.sluice.dataplane.decode.event.can;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code SG_} line of a DBC file: where a signal lies in its message's payload and how its raw
 * bits become a physical value ({@code raw * factor + offset}). Immutable; any thread.
 *
 * @param name           the signal's name, unique in its message.
 * @param multiplexer    true for the message's multiplexer switch ({@code M}).
 * @param multiplexValue the multiplexer value the signal is present under ({@code mN}), or -1
 *                       when the signal is always present.
 * @param startBit       Intel: the least significant bit; Motorola: the most significant bit, in
 *                       DBC numbering (bit 0 = least significant bit of byte 0).
 * @param length         bits, 1 to 64.
 * @param littleEndian   {@code @1} (Intel) when true, {@code @0} (Motorola) when false.
 * @param signed         {@code -}: two's complement.
 * @param factor         scale of the raw value.
 * @param offset         added after scaling.
 * @param minimum        the documented minimum (informative, not enforced).
 * @param maximum        the documented maximum (informative, not enforced).
 * @param unit           the unit text, possibly empty.
 * @param receivers      the receiving nodes.
 * @param valueType      integer, or IEEE float/double ({@code SIG_VALTYPE_}).
 * @param valueNames     the {@code VAL_} descriptions by raw value; empty when none.
 * @param line           the line of the {@code SG_} in the file, for diagnostics.
 */
public record DbcSignal(
    String name,
    boolean multiplexer,
    int multiplexValue,
    int startBit,
    int length,
    boolean littleEndian,
    boolean signed,
    double factor,
    double offset,
    double minimum,
    double maximum,
    String unit,
    List<String> receivers,
    ValueType valueType,
    Map<Long, String> valueNames,
    int line)
{
    /** How the raw bits are read: an integer, or an IEEE 754 value ({@code SIG_VALTYPE_ 1} or {@code 2}). */
    public enum ValueType
    {
        /** Two's complement or unsigned integer, per {@link #signed()}. */
        INTEGER,
        /** IEEE 754 single precision: the signal is 32 bits long. */
        FLOAT32,
        /** IEEE 754 double precision: the signal is 64 bits long. */
        FLOAT64
    }

    public DbcSignal
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(valueType, "valueType");
        receivers = List.copyOf(receivers);
        valueNames = Map.copyOf(valueNames);
    }

    /**
     * @return true when the signal is present only under one multiplexer value.
     */
    public boolean multiplexed()
    {
        return multiplexValue >= 0;
    }
}
