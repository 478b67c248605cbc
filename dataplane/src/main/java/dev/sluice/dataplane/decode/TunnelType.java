package dev.sluice.dataplane.decode;

/**
 * Encapsulations the decoder enters, as stored in {@code PacketBurst.tunnelType} for the
 * outermost one, and their names as the policy field {@code tunnel.type} spells them.
 * <p>
 * Constants only; any thread.
 */
public final class TunnelType
{
    /** No tunnel was entered. */
    public static final byte NONE = 0;
    /** GRE carrying IPv4, IPv6, an Ethernet frame (0x6558) or PPP (PPTP). */
    public static final byte GRE = 1;
    /** ERSPAN type I, II or III over GRE: a mirrored Ethernet frame. */
    public static final byte ERSPAN = 2;
    public static final byte VXLAN = 3;
    public static final byte GENEVE = 4;
    /** GTP-U G-PDU carrying IPv4 or IPv6. */
    public static final byte GTP = 5;
    /** IPv4 or IPv6 directly in IPv4 or IPv6 (protocols 4 and 41: 4in4, 6in4, 4in6, 6in6). */
    public static final byte IPIP = 6;
    /** IPv6 in UDP port 3544 (RFC 4380). */
    public static final byte TEREDO = 7;

    private static final String[] NAMES = {null, "gre", "erspan", "vxlan", "geneve", "gtp", "ipip", "teredo"};

    private TunnelType()
    {
    }

    /** The {@code tunnel.type} text of {@code type}, or null for {@link #NONE} and unknown values. */
    public static String name(final int type)
    {
        return type > NONE && type < NAMES.length ? NAMES[type] : null;
    }

    /** The type named {@code name}, or {@link #NONE} when no type has that name. */
    public static byte of(final String name)
    {
        for (int type = 1; type < NAMES.length; type++)
        {
            if (NAMES[type].equals(name))
            {
                return (byte)type;
            }
        }
        return NONE;
    }
}
