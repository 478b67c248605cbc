package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.decode.event.can.CanDatabase;
import dev.sluice.dataplane.decode.event.can.CandumpParser;
import dev.sluice.dataplane.decode.event.cef.CefParser;
import dev.sluice.dataplane.decode.event.cef.LeefParser;
import dev.sluice.dataplane.decode.event.json.JsonParser;
import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import dev.sluice.dataplane.decode.event.syslog.SyslogParser;
import dev.sluice.dataplane.source.event.EventHandler;
import dev.sluice.dataplane.source.event.EventRing;
import dev.sluice.dataplane.source.event.IngestRecord;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.protocol.EventKind;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.IdentityHashMap;

/**
 * Turns each message of the ingest ring into the items the policy decides on: picks the parser
 * by the message's format, wraps the format's {@link FieldReader} on the parsed event and hands
 * it to an {@link EventItemHandler}.
 * <ul>
 * <li>A syslog record whose message starts with {@code CEF:} or {@code LEEF:} goes to that parser,
 *     with the syslog header's fields served alongside; a syslog record the syslog parser rejects
 *     (an RFC 5424 header whose APP-NAME would be the CEF text) is tried as CEF, then LEEF, without
 *     the header; otherwise it is rejected with the syslog parser's reason.</li>
 * <li>A NetFlow/IPFIX datagram is one item per record (exporter: the datagram's peer); a rejected
 *     datagram is one rejected item.</li>
 * </ul>
 * The readers are built for one policy's catalogue (its dynamic fields differ from policy to
 * policy), so a new dispatcher is made when a policy names other fields than the one before:
 * off the per-item path, once per such version; a version with the same fields keeps the
 * dispatcher ({@link #reads}), so switching between versions allocates nothing. Allocation-free per message once every reject reason has been seen (a reason is
 * a constant; its {@code <format>:<reason>} key is made once). Worker thread only.
 */
public final class EventDispatcher implements EventHandler
{
    private static final byte[] CEF_MARKER = {'C', 'E', 'F', ':'};
    private static final byte[] LEEF_MARKER = {'L', 'E', 'E', 'F', ':'};

    private final SyslogParser syslog = new SyslogParser();
    private final CefParser cef = new CefParser();
    private final LeefParser leef = new LeefParser();
    private final JsonParser json = new JsonParser();
    private final NetflowParser netflow;
    private final CandumpParser candump;

    private final SyslogFieldReader syslogReader;
    private final CefFieldReader cefReader;
    private final LeefFieldReader leefReader;
    private final JsonFieldReader jsonReader;
    private final FlowRecordFieldReader flowReader;
    private final CanFieldReader canReader;

    private final FieldCatalogue catalogue;
    private final DropKeys dropKeys = new DropKeys();
    private EventItemHandler items;
    private long receivedNs;

    /**
     * @param catalogue the policy's field catalogue.
     * @param database  the DBC to decode CAN signals with, or null.
     * @param netflow   the NetFlow parser, whose template cache outlives a policy.
     */
    public EventDispatcher(final FieldCatalogue catalogue, final CanDatabase database, final NetflowParser netflow)
    {
        this.catalogue = catalogue;
        this.netflow = netflow;
        candump = null == database ? new CandumpParser() : new CandumpParser(database);
        syslogReader = new SyslogFieldReader(catalogue);
        cefReader = new CefFieldReader(catalogue);
        leefReader = new LeefFieldReader(catalogue);
        jsonReader = new JsonFieldReader(catalogue);
        flowReader = new FlowRecordFieldReader(catalogue);
        canReader = new CanFieldReader(catalogue, database);
    }

    /**
     * Whether this dispatcher's readers serve {@code other}: the catalogue they were built for,
     * or one with the same fields (names and types) under the same ids, as a new version that
     * names the same dynamic fields has. Fixed fields are the same objects in every catalogue;
     * a dynamic field's name is its prefix and path, all its reader looks at besides its type.
     * Allocation-free.
     */
    public boolean reads(final FieldCatalogue other)
    {
        if (other == catalogue)
        {
            return true;
        }
        final int size = catalogue.size();
        if (other.size() != size)
        {
            return false;
        }
        for (int id = 0; id < size; id++)
        {
            final Field mine = catalogue.byId(id);
            final Field theirs = other.byId(id);
            if (mine != theirs && (mine.type() != theirs.type() || !mine.name().equals(theirs.name())))
            {
                return false;
            }
        }
        return true;
    }

    /** Where the items of the next messages go. */
    public EventDispatcher items(final EventItemHandler items)
    {
        this.items = items;
        return this;
    }

    @Override
    public void onEvent(final EventFormat format, final IngestRecord header, final MemorySegment segment, final long offset,
        final int length)
    {
        final long receivedNs = header.receiveTimeNs();
        this.receivedNs = receivedNs;
        switch (format)
        {
            case SYSLOG -> onSyslog(segment, offset, length, receivedNs);
            case CEF -> onCef(segment, offset, length, null, receivedNs);
            case LEEF -> onLeef(segment, offset, length, null, receivedNs);
            case JSON ->
            {
                if (json.parse(segment, offset, length))
                {
                    items.onEvent(EventKind.JSON.code(), jsonReader.wrap(json), segment, offset, length, receivedNs);
                }
                else
                {
                    reject("json:", json.rejectReason(), json.rejectOffset(), segment, offset, length);
                }
            }
            case NETFLOW -> onNetflow(header, segment, offset, length, receivedNs);
            case CANDUMP ->
            {
                if (candump.parse(segment, offset, length))
                {
                    items.onEvent(EventKind.CAN.code(), canReader.wrap(candump), segment, offset, length, receivedNs);
                }
                else
                {
                    reject("candump:", candump.rejectReason(), candump.rejectOffset(), segment, offset, length);
                }
            }
        }
    }

    private void onSyslog(final MemorySegment segment, final long offset, final int length, final long receivedNs)
    {
        if (syslog.parse(segment, offset, length))
        {
            final int msg = syslog.msgOffset();
            if (msg >= 0 && startsWith(segment, offset + msg, syslog.msgLength(), CEF_MARKER))
            {
                onCef(segment, offset, length, syslog, receivedNs);
                return;
            }
            if (msg >= 0 && startsWith(segment, offset + msg, syslog.msgLength(), LEEF_MARKER))
            {
                onLeef(segment, offset, length, syslog, receivedNs);
                return;
            }
            items.onEvent(EventKind.SYSLOG.code(), syslogReader.wrap(syslog), segment, offset, length, receivedNs);
            return;
        }
        if (cef.parse(segment, offset, length))
        {
            items.onEvent(EventKind.CEF.code(), cefReader.wrap(cef, null), segment, offset, length, receivedNs);
            return;
        }
        if (leef.parse(segment, offset, length))
        {
            items.onEvent(EventKind.LEEF.code(), leefReader.wrap(leef, null), segment, offset, length, receivedNs);
            return;
        }
        reject("syslog:", syslog.rejectReason(), syslog.rejectOffset(), segment, offset, length);
    }

    private void onCef(
        final MemorySegment segment, final long offset, final int length, final SyslogParser header, final long receivedNs)
    {
        if (cef.parse(segment, offset, length))
        {
            items.onEvent(EventKind.CEF.code(), cefReader.wrap(cef, header), segment, offset, length, receivedNs);
        }
        else
        {
            reject("cef:", cef.rejectReason(), cef.rejectOffset(), segment, offset, length);
        }
    }

    private void onLeef(
        final MemorySegment segment, final long offset, final int length, final SyslogParser header, final long receivedNs)
    {
        if (leef.parse(segment, offset, length))
        {
            items.onEvent(EventKind.LEEF.code(), leefReader.wrap(leef, header), segment, offset, length, receivedNs);
        }
        else
        {
            reject("leef:", leef.rejectReason(), leef.rejectOffset(), segment, offset, length);
        }
    }

    private void onNetflow(
        final IngestRecord header, final MemorySegment segment, final long offset, final int length, final long receivedNs)
    {
        if (header.isIpv6())
        {
            long high = 0;
            long low = 0;
            for (int i = 0; i < 8; i++)
            {
                high = (high << 8) | header.peerAddressByte(i);
                low = (low << 8) | header.peerAddressByte(8 + i);
            }
            netflow.exporter(6, high, low, header.peerPort());
        }
        else
        {
            netflow.exporter(4, 0, header.peerIpv4() & 0xFFFF_FFFFL, header.peerPort());
        }
        netflow.receivedAt(receivedNs);
        if (!netflow.parse(segment, offset, length))
        {
            reject("netflow:", netflow.rejectReason(), netflow.rejectOffset(), segment, offset, length);
            return;
        }
        final int records = netflow.recordCount();
        for (int i = 0; i < records; i++)
        {
            if (netflow.selectRecord(i))
            {
                items.onFlowRecord(flowReader.wrap(netflow), netflow, receivedNs);
            }
        }
    }

    private void reject(
        final String prefix,
        final String reason,
        final int position,
        final MemorySegment segment,
        final long offset,
        final int length)
    {
        items.onRejected(dropKeys.key(prefix, reason), position, segment, offset, length, receivedNs);
    }

    private static boolean startsWith(final MemorySegment segment, final long at, final int length, final byte[] marker)
    {
        if (length < marker.length)
        {
            return false;
        }
        for (int i = 0; i < marker.length; i++)
        {
            if (segment.get(ValueLayout.JAVA_BYTE, at + i) != marker[i])
            {
                return false;
            }
        }
        return true;
    }

    /** Interned {@code prefix + reason} keys, so a rejection allocates only the first time its reason is seen. */
    private static final class DropKeys
    {
        private final IdentityHashMap<String, IdentityHashMap<String, String>> keys = new IdentityHashMap<>();

        String key(final String prefix, final String reason)
        {
            final String why = null == reason ? "unknown" : reason;
            IdentityHashMap<String, String> byReason = keys.get(prefix);
            if (null == byReason)
            {
                byReason = new IdentityHashMap<>();
                keys.put(prefix, byReason);
            }
            String key = byReason.get(why);
            if (null == key)
            {
                key = prefix + why;
                byReason.put(why, key);
            }
            return key;
        }
    }
}
