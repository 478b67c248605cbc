package dev.sluice.policy.field;

/**
 * How a field's value is obtained. Only {@link #BASE} fields are served by a
 * {@link FieldReader}; the policy module resolves the other kinds itself.
 * Immutable; any thread.
 */
public enum FieldKind
{
    /** Read from the item by the {@link FieldReader}. */
    BASE,
    /** Bits of a base field, e.g. {@code tcp.flags.syn} is bit 1 of {@code tcp.flags}. */
    DERIVED,
    /** Either of two base fields, as Wireshark's {@code ip.addr} stands for {@code ip.src} or {@code ip.dst}. */
    ALIAS
}
