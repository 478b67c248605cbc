package dev.sluice.policy.field;

/**
 * Access to the fields of the item being evaluated, implemented by the dataplane over its
 * decoded burst (typically a flyweight positioned on one item). Compiled rules call it once or
 * more per field test, so implementations must be allocation-free and cheap.
 * <p>
 * The call contract, which implementations may rely on:
 * <ul>
 * <li>only {@link FieldKind#BASE} field ids are ever passed: derived fields and aliases are
 *     resolved by the policy module;</li>
 * <li>{@link #isPresent(int)} and {@link #occurrences(int)} may be asked about any base field;
 *     {@code isPresent(id)} is true exactly when {@code occurrences(id) > 0};</li>
 * <li>a value method ({@link #integer(int, int)}, {@link #text(int)}, the address methods) is
 *     only called for a field that the same reader reported present for the same item, with
 *     the method that matches the field's {@link FieldType}, and for a
 *     {@linkplain Field#isRepeated() repeated} field only with an occurrence below
 *     {@link #occurrences(int)}. So a reader that reports a field absent is never asked for
 *     its value.</li>
 * </ul>
 * Confined to the worker thread that owns the item.
 */
public interface FieldReader
{
    /**
     * @param fieldId a base field id, e.g. {@link PacketFields#TCP_DSTPORT}.
     * @return true when the item has the field (a UDP packet has no {@code tcp.dstport}).
     */
    boolean isPresent(int fieldId);

    /**
     * @param fieldId a base field id.
     * @return how many values the item has for the field: for a repeated field such as
     * {@code vlan.id} the number of tags (0 when untagged); for any other field 1 when present,
     * 0 when absent.
     */
    int occurrences(int fieldId);

    /**
     * @param fieldId    an {@link FieldType#INTEGER} base field id.
     * @param occurrence which value of a repeated field, 0 = outermost; always 0 for a field
     *                   that is not repeated.
     * @return the value, non-negative.
     */
    long integer(int fieldId, int occurrence);

    /**
     * The value of a non-repeated integer field, or the outermost value of a repeated one.
     *
     * @param fieldId an {@link FieldType#INTEGER} base field id.
     * @return {@code integer(fieldId, 0)}.
     */
    default long integer(final int fieldId)
    {
        return integer(fieldId, 0);
    }

    /**
     * @param fieldId a {@link FieldType#STRING} base field id.
     * @return the value. Implementations return a reusable flyweight rather than a new object:
     * it is valid only until the next call on this reader, and callers must not keep it.
     */
    CharSequence text(int fieldId);

    /**
     * @param fieldId an {@link FieldType#ADDRESS} base field id.
     * @return 4 or 6.
     */
    int addressVersion(int fieldId);

    /**
     * @param fieldId an {@link FieldType#ADDRESS} base field id.
     * @return IPv6: bits 127..64 of the address; IPv4: 0.
     */
    long addressHigh(int fieldId);

    /**
     * @param fieldId an {@link FieldType#ADDRESS} base field id.
     * @return IPv6: bits 63..0; IPv4: the address as an unsigned 32-bit value.
     */
    long addressLow(int fieldId);
}
