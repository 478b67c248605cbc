package dev.sluice.dataplane.pipeline;

/**
 * Bits naming the record fields that are transformed before they leave the site. The values
 * match the choices of the SBE set {@code AnonymizedFields}, so a byte of these bits is
 * written to the wire as it is.
 */
public final class AnonymizedFields
{
    public static final byte SRC_ADDRESS = 1;
    public static final byte DST_ADDRESS = 1 << 1;
    public static final byte INNER_SRC_ADDRESS = 1 << 2;
    public static final byte INNER_DST_ADDRESS = 1 << 3;
    /** The outer addresses. */
    public static final byte ADDRESSES = SRC_ADDRESS | DST_ADDRESS;
    /** The addresses of the innermost IP layer of a tunnelled packet. */
    public static final byte INNER_ADDRESSES = INNER_SRC_ADDRESS | INNER_DST_ADDRESS;
    public static final byte ALL_ADDRESSES = ADDRESSES | INNER_ADDRESSES;

    private AnonymizedFields()
    {
    }
}
