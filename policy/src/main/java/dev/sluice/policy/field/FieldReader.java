package dev.sluice.policy.field;

/**
 * Access to the fields of the item being evaluated, implemented by the dataplane over its
 * decoded burst (typically a flyweight positioned on one item). Compiled rules call it once or
 * more per field test, so implementations must be allocation-free and cheap.
 * <p>
 * One policy speaks about every kind of item, so a reader is asked about fields its items
 * never have: a packet has no {@code syslog.severity}, a syslog line no {@code tcp.dstport}.
 * A reader answers {@code isPresent(id) == false} and {@code occurrences(id) == 0} for every id
 * it does not serve, including ids beyond the standard catalogue, and never throws for one; a
 * rule on a field of another kind of item then simply does not match. Every reader serves
 * {@code item.kind} ({@link EventFields#ITEM_KIND}).
 * <p>
 * <b>Dynamic fields.</b> Ids from {@link EventFields#END_ID} (the standard catalogue's size) up are the policy's
 * own {@linkplain Field#isDynamic() dynamic fields}, which differ from policy to policy. A
 * reader of events is therefore built (or re-armed) per policy, off the data path, from
 * {@code policy.catalogue()}: for each field with a {@link Field#dynamicPrefix()} it serves, it
 * resolves {@link Field#dynamicPath()} once (intern the key bytes of a JSON path, look up the
 * DBC message and signal, pre-hash a CEF key or an SD-ID and parameter) into a table indexed
 * by id, and per item answers from that table without allocating or comparing Strings. A
 * reader ignores the prefixes of other formats (a syslog reader reports {@code json.*}
 * absent). How a value is read as the field's {@link FieldType}, which the policy's use chose:
 * <ul>
 * <li>{@link FieldType#STRING}: the value as text, escapes resolved (a JSON string unescaped;
 *     a number, {@code true} or {@code false} as written; an object or array as its JSON
 *     text). A CAN signal reads as its DBC value description when the DBC has one for the
 *     raw value, otherwise as its physical value in decimal. JSON {@code null} is absent.</li>
 * <li>{@link FieldType#INTEGER}: a whole number 0..2^63-1. A number with a fraction or an
 *     exponent is truncated toward zero ({@code 12.9} reads 12); a negative number, one above
 *     2^63-1, NaN, or text that is not a plain decimal number is absent; {@code true} reads 1,
 *     {@code false} 0. A CAN signal reads as its physical value (scale and offset applied),
 *     truncated likewise.</li>
 * <li>{@link FieldType#ADDRESS}: text that is an IPv4 or IPv6 address in its usual notation;
 *     anything else is absent.</li>
 * </ul>
 * A path that does not resolve (a missing key, an index past the end of an array, a JSON
 * value under a key that is not an object) is absent. Keys compare exactly, case-sensitive.
 * A bare dynamic field in a rule tests {@code isPresent} only, so presence must follow the
 * rules above for the field's type (text: any value but null).
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

    /**
     * Where a field's value is written in the item's text, for formats that can say (a JSON
     * number): an anonymization that must change exactly that value, and not every equal text,
     * rewrites this span.
     *
     * @param fieldId a base field id.
     * @return {@code start << 32 | length} from the start of the item's text, or -1 when unknown.
     */
    default long rawSpan(final int fieldId)
    {
        return -1;
    }

    /**
     * @param fieldId a base field id.
     * @return the field's time in epoch milliseconds when the reader parsed it as a time
     * ({@code vehicle.time}), else {@link Long#MIN_VALUE}.
     */
    default long timeMillis(final int fieldId)
    {
        return Long.MIN_VALUE;
    }
}
