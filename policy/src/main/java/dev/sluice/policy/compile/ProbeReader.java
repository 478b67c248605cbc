package dev.sluice.policy.compile;

import dev.sluice.policy.field.FieldReader;

/**
 * An item with one field and one value, so that {@link CrossRuleIndex} asks a test node itself
 * what it answers for a value (shift, mask, operator, set and prefix semantics stay defined in
 * one place, the node). Compile time only; one compilation on one thread.
 */
final class ProbeReader implements FieldReader
{
    private int fieldId = -1;
    private long integer;
    private int version;
    private long high;
    private long low;

    ProbeReader integer(final int fieldId, final long value)
    {
        this.fieldId = fieldId;
        this.integer = value;
        return this;
    }

    ProbeReader address(final int fieldId, final int version, final long high, final long low)
    {
        this.fieldId = fieldId;
        this.version = version;
        this.high = high;
        this.low = low;
        return this;
    }

    public boolean isPresent(final int fieldId)
    {
        return fieldId == this.fieldId;
    }

    public int occurrences(final int fieldId)
    {
        return fieldId == this.fieldId ? 1 : 0;
    }

    public long integer(final int fieldId, final int occurrence)
    {
        return integer;
    }

    public CharSequence text(final int fieldId)
    {
        throw new IllegalStateException("a probe has no text: field " + fieldId);
    }

    public int addressVersion(final int fieldId)
    {
        return version;
    }

    public long addressHigh(final int fieldId)
    {
        return high;
    }

    public long addressLow(final int fieldId)
    {
        return low;
    }
}
