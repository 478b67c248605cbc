package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldReader;

/**
 * Serves the {@code flow.*} fields of the record a {@link NetflowParser} has selected
 * ({@link NetflowParser#selectRecord}): one item per flow record of a NetFlow v5/v9 or IPFIX
 * datagram. A field the record does not carry is absent; an options record (sampling, system
 * init time) carries none of the {@code flow.*} fields but {@code flow.exporter}. Counters above
 * 2^63-1 read as 2^63-1; a start or end time before 1970 is absent. The format has no dynamic fields, so every id past the fixed ones is
 * absent; {@code item.kind} is {@code flow}.
 * <p>
 * Built per policy (the catalogue is taken for symmetry with the other event readers and to
 * bound ids); {@link #wrap} per selected record; no allocation. Worker thread only.
 */
public final class FlowRecordFieldReader implements FieldReader
{
    private static final String KIND = "flow";
    private static final long ABSENT = NetflowParser.ABSENT;

    private NetflowParser parser;

    /**
     * @param catalogue the policy's catalogue ({@code policy.catalogue()}); flow records have no dynamic fields.
     */
    public FlowRecordFieldReader(final FieldCatalogue catalogue)
    {
        if (catalogue.size() < EventFields.END_ID)
        {
            throw new IllegalArgumentException("the catalogue has no event fields: " + catalogue.size() + " fields");
        }
    }

    /**
     * @param parser a NetFlow parser whose last datagram was accepted and whose record to read is selected.
     * @return this.
     */
    public FlowRecordFieldReader wrap(final NetflowParser parser)
    {
        this.parser = parser;
        return this;
    }

    @Override
    public boolean isPresent(final int fieldId)
    {
        final NetflowParser p = parser;
        if (EventFields.ITEM_KIND == fieldId)
        {
            return true;
        }
        if (EventFields.FLOW_EXPORTER == fieldId)
        {
            return 0 != p.exporterVersion();
        }
        if (fieldId < EventFields.FLOW_SRC || fieldId > EventFields.FLOW_END_NS || p.isOptionsRecord())
        {
            return false;
        }
        return switch (fieldId)
        {
            case EventFields.FLOW_SRC -> 0 != p.srcAddressVersion();
            case EventFields.FLOW_DST -> 0 != p.dstAddressVersion();
            case EventFields.FLOW_NEXT_HOP -> 0 != p.nextHopVersion();
            // Times before 1970 are absent; counters above 2^63-1 read as 2^63-1.
            case EventFields.FLOW_START_NS, EventFields.FLOW_END_NS -> raw(fieldId) >= 0;
            default -> ABSENT != raw(fieldId);
        };
    }

    /** The accessor's value of an integer field: {@link #ABSENT}, or the value (negative when above 2^63-1). */
    private long raw(final int fieldId)
    {
        final NetflowParser p = parser;
        return switch (fieldId)
        {
            case EventFields.FLOW_SRCPORT -> p.srcPort();
            case EventFields.FLOW_DSTPORT -> p.dstPort();
            case EventFields.FLOW_PROTO -> p.protocol();
            case EventFields.FLOW_BYTES -> p.bytes();
            case EventFields.FLOW_PACKETS -> p.packets();
            case EventFields.FLOW_TCP_FLAGS -> p.tcpFlags();
            case EventFields.FLOW_TOS -> p.tos();
            case EventFields.FLOW_INPUT_IF -> p.inputInterface();
            case EventFields.FLOW_OUTPUT_IF -> p.outputInterface();
            case EventFields.FLOW_SRC_AS -> p.srcAs();
            case EventFields.FLOW_DST_AS -> p.dstAs();
            case EventFields.FLOW_SRC_MASK -> p.srcMask();
            case EventFields.FLOW_DST_MASK -> p.dstMask();
            case EventFields.FLOW_IP_VERSION -> p.ipVersion();
            case EventFields.FLOW_START_NS -> p.startNs();
            case EventFields.FLOW_END_NS -> p.endNs();
            default -> ABSENT;
        };
    }

    @Override
    public int occurrences(final int fieldId)
    {
        return isPresent(fieldId) ? 1 : 0;
    }

    @Override
    public long integer(final int fieldId, final int occurrence)
    {
        final long value = raw(fieldId);
        return value < 0 ? Long.MAX_VALUE : value;
    }

    @Override
    public CharSequence text(final int fieldId)
    {
        return KIND;
    }

    @Override
    public int addressVersion(final int fieldId)
    {
        final NetflowParser p = parser;
        return switch (fieldId)
        {
            case EventFields.FLOW_SRC -> p.srcAddressVersion();
            case EventFields.FLOW_DST -> p.dstAddressVersion();
            case EventFields.FLOW_NEXT_HOP -> p.nextHopVersion();
            default -> p.exporterVersion();
        };
    }

    @Override
    public long addressHigh(final int fieldId)
    {
        final NetflowParser p = parser;
        return switch (fieldId)
        {
            case EventFields.FLOW_SRC -> p.srcAddressHigh();
            case EventFields.FLOW_DST -> p.dstAddressHigh();
            case EventFields.FLOW_NEXT_HOP -> p.nextHopHigh();
            default -> p.exporterHigh();
        };
    }

    @Override
    public long addressLow(final int fieldId)
    {
        final NetflowParser p = parser;
        return switch (fieldId)
        {
            case EventFields.FLOW_SRC -> p.srcAddressLow();
            case EventFields.FLOW_DST -> p.dstAddressLow();
            case EventFields.FLOW_NEXT_HOP -> p.nextHopLow();
            default -> p.exporterLow();
        };
    }
}
