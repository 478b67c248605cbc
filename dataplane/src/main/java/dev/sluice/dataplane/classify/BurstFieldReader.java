package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.PacketFields;

/**
 * Serves the policy's packet fields from the decoded burst, one item at a time: the compiled
 * rules read straight from the burst's arrays, nothing is copied or boxed.
 * <p>
 * The decoder keeps only the outermost VLAN tag, so {@code vlan.id} has at most one occurrence
 * here, and it decodes no text field: {@link #isPresent} is false for {@code tunnel.type},
 * {@code dns.qry.name} and {@code tls.sni} and for every other field the burst has no column
 * for, so by the {@link FieldReader} call contract their values are never read.
 * Worker thread only; {@link #select} before every item.
 */
public final class BurstFieldReader implements FieldReader
{
    private static final int TCP = 6;
    private static final int UDP = 17;

    private PacketBurst burst;
    private int index;

    public BurstFieldReader select(final PacketBurst burst, final int index)
    {
        this.burst = burst;
        this.index = index;
        return this;
    }

    @Override
    public boolean isPresent(final int fieldId)
    {
        final PacketBurst b = burst;
        final int i = index;
        return switch (fieldId)
        {
            case PacketFields.FRAME_LEN, PacketFields.FRAME_CAP_LEN -> true;
            case PacketFields.ETH_TYPE -> b.etherType[i] != PacketBurst.ABSENT;
            case PacketFields.VLAN_ID -> b.vlanId[i] != PacketBurst.ABSENT;
            case PacketFields.IP_VERSION, PacketFields.IP_SRC, PacketFields.IP_DST -> b.ipVersion[i] != 0;
            case PacketFields.IP_PROTO -> b.ipVersion[i] != 0 && b.ipProtocol[i] != PacketBurst.ABSENT;
            case PacketFields.IP_TTL -> b.ipVersion[i] != 0 && b.ipTtl[i] != PacketBurst.ABSENT;
            case PacketFields.TCP_SRCPORT, PacketFields.TCP_DSTPORT ->
                b.ipProtocol[i] == TCP && b.srcPort[i] != PacketBurst.ABSENT;
            case PacketFields.TCP_FLAGS -> b.tcpFlags[i] != PacketBurst.ABSENT;
            case PacketFields.UDP_SRCPORT, PacketFields.UDP_DSTPORT ->
                b.ipProtocol[i] == UDP && b.srcPort[i] != PacketBurst.ABSENT;
            case PacketFields.ICMP_TYPE -> b.icmpType[i] != PacketBurst.ABSENT;
            case PacketFields.ICMP_CODE -> b.icmpCode[i] != PacketBurst.ABSENT;
            default -> false;
        };
    }

    @Override
    public int occurrences(final int fieldId)
    {
        // Every field served here, vlan.id included (outermost tag only), has at most one value.
        return isPresent(fieldId) ? 1 : 0;
    }

    @Override
    public long integer(final int fieldId, final int occurrence)
    {
        // Only occurrence 0 exists (see occurrences), and the contract asks for no other.
        return integer(fieldId);
    }

    @Override
    public CharSequence text(final int fieldId)
    {
        // No text field is ever present here, so the contract never calls this; an empty
        // value is what an absent text field would read as.
        return "";
    }

    @Override
    public long integer(final int fieldId)
    {
        final PacketBurst b = burst;
        final int i = index;
        return switch (fieldId)
        {
            case PacketFields.FRAME_LEN -> b.wireLength[i];
            case PacketFields.FRAME_CAP_LEN -> b.capturedLength[i];
            case PacketFields.ETH_TYPE -> b.etherType[i];
            case PacketFields.VLAN_ID -> b.vlanId[i];
            case PacketFields.IP_VERSION -> b.ipVersion[i];
            case PacketFields.IP_PROTO -> b.ipProtocol[i];
            case PacketFields.IP_TTL -> b.ipTtl[i];
            case PacketFields.TCP_SRCPORT, PacketFields.UDP_SRCPORT -> b.srcPort[i];
            case PacketFields.TCP_DSTPORT, PacketFields.UDP_DSTPORT -> b.dstPort[i];
            case PacketFields.TCP_FLAGS -> b.tcpFlags[i];
            case PacketFields.ICMP_TYPE -> b.icmpType[i];
            case PacketFields.ICMP_CODE -> b.icmpCode[i];
            default -> 0;
        };
    }

    @Override
    public int addressVersion(final int fieldId)
    {
        return burst.ipVersion[index];
    }

    @Override
    public long addressHigh(final int fieldId)
    {
        return fieldId == PacketFields.IP_SRC ? burst.srcAddressHigh[index] : burst.dstAddressHigh[index];
    }

    @Override
    public long addressLow(final int fieldId)
    {
        return fieldId == PacketFields.IP_SRC ? burst.srcAddressLow[index] : burst.dstAddressLow[index];
    }
}
