package dev.sluice.policy.field;

/**
 * Access to the fields of the item being evaluated, implemented by the dataplane over its
 * decoded burst (typically a flyweight positioned on one item). Compiled rules call it once or
 * more per field test, so implementations must be allocation-free and cheap.
 * <p>
 * Only {@link FieldKind#BASE} field ids are ever passed: derived fields and aliases are resolved
 * by the policy module. Value methods are only called after {@link #isPresent(int)} returned
 * true for the same id and item.
 * <p>
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
     * @param fieldId an {@link FieldType#INTEGER} base field id.
     * @return its value, non-negative.
     */
    long integer(int fieldId);

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
