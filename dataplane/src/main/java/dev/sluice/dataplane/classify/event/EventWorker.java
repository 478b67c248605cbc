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
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.FieldReader;
import org.agrona.collections.Object2LongHashMap;
import org.agrona.concurrent.Agent;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * <b>Work in progress (issue 6): a sketch of the event path, not yet wired into the gateway.</b>
 * Drains the ingest {@link EventRing}, parses each message by its format, evaluates the policy
 * on the format's {@link FieldReader} and counts the outcome, so that
 * {@code received == forwarded + filtered + dropped} (dropped by reason) holds at all times.
 * <ul>
 * <li>A syslog record whose message starts with {@code CEF:} or {@code LEEF:} goes to that parser,
 *     with the syslog header's fields served alongside; a syslog record the syslog parser rejects
 *     (an RFC 5424 header whose APP-NAME would be the CEF text) is tried as CEF, then LEEF, without
 *     the header; otherwise it is dropped with the syslog parser's reason.</li>
 * <li>A NetFlow/IPFIX datagram is one item per record (exporter: the datagram's peer); a rejected
 *     datagram counts as one dropped item.</li>
 * <li>Outcomes: {@code drop} is filtered; {@code sample 1/N} keeps the first of every N matches of
 *     its rule (the others are filtered); {@code keep} and {@code aggregate} (flows are a packet
 *     notion; events are forwarded as they are) are forwarded. A parse reject is dropped under
 *     {@code <format>:<reason>}.</li>
 * </ul>
 * What is missing before this is the gateway's event path: egress (a DataBatch events group for
 * the forwarded items), the regional output, anonymization of event fields, residency, metrics
 * export of the counters, and an end-to-end benchmark. Allocation-free per message once every
 * reject reason has been seen (a reason is a constant, counted in a map keyed by it).
 * Worker thread only, except the counters, which are plain longs read by tests after draining.
 */
public final class EventWorker implements Agent, EventHandler
{
    private static final byte FORWARD = 0;
    private static final byte FILTER = 1;
    private static final byte SAMPLE = 2;
    private static final int DEFAULT_READ_LIMIT = 256;
    private static final byte[] CEF_MARKER = {'C', 'E', 'F', ':'};
    private static final byte[] LEEF_MARKER = {'L', 'E', 'E', 'F', ':'};

    private final EventRing ring;
    private final int readLimit;
    private final Policy policy;
    private final byte[] action;
    private final int[] sampleDenominator;
    private final long[] matchesPerRule;

    private final SyslogParser syslog = new SyslogParser();
    private final CefParser cef = new CefParser();
    private final LeefParser leef = new LeefParser();
    private final JsonParser json = new JsonParser();
    private final NetflowParser netflow = new NetflowParser();
    private final CandumpParser candump;

    private final SyslogFieldReader syslogReader;
    private final CefFieldReader cefReader;
    private final LeefFieldReader leefReader;
    private final JsonFieldReader jsonReader;
    private final FlowRecordFieldReader flowReader;
    private final CanFieldReader canReader;

    private final Object2LongHashMap<String> dropped = new Object2LongHashMap<>(0);
    private final DropKeys dropKeys = new DropKeys();
    private long received;
    private long forwarded;
    private long filtered;

    /**
     * @param ring     the ingest ring to drain.
     * @param policy   the policy; the readers are built for its catalogue here, off the data path.
     * @param database the DBC to decode CAN signals with, or null.
     */
    public EventWorker(final EventRing ring, final Policy policy, final CanDatabase database)
    {
        this.ring = ring;
        this.readLimit = DEFAULT_READ_LIMIT;
        this.policy = policy;
        final int rules = policy.ruleCount();
        action = new byte[rules + 1];
        sampleDenominator = new int[rules + 1];
        matchesPerRule = new long[rules + 1];
        for (int rule = 0; rule <= rules; rule++)
        {
            final RuleActions actions = rule == rules ? policy.defaultActions() : policy.actionsFor(rule);
            action[rule] = switch (actions.kind())
            {
                case DROP -> FILTER;
                case SAMPLE -> SAMPLE;
                case KEEP, AGGREGATE -> FORWARD;
            };
            sampleDenominator[rule] = Math.max(1, actions.sampleDenominator());
        }
        candump = null == database ? new CandumpParser() : new CandumpParser(database);
        syslogReader = new SyslogFieldReader(policy.catalogue());
        cefReader = new CefFieldReader(policy.catalogue());
        leefReader = new LeefFieldReader(policy.catalogue());
        jsonReader = new JsonFieldReader(policy.catalogue());
        flowReader = new FlowRecordFieldReader(policy.catalogue());
        canReader = new CanFieldReader(policy.catalogue(), database);
    }

    @Override
    public String roleName()
    {
        return "sluice-event-worker";
    }

    @Override
    public int doWork()
    {
        return ring.read(this, readLimit);
    }

    @Override
    public void onEvent(final EventFormat format, final IngestRecord header, final MemorySegment segment, final long offset,
        final int length)
    {
        switch (format)
        {
            case SYSLOG -> onSyslog(segment, offset, length);
            case CEF -> onCef(segment, offset, length, null);
            case LEEF -> onLeef(segment, offset, length, null);
            case JSON ->
            {
                received++;
                if (json.parse(segment, offset, length))
                {
                    decide(jsonReader.wrap(json));
                }
                else
                {
                    drop("json:", json.rejectReason());
                }
            }
            case NETFLOW -> onNetflow(header, segment, offset, length);
            case CANDUMP ->
            {
                received++;
                if (candump.parse(segment, offset, length))
                {
                    decide(canReader.wrap(candump));
                }
                else
                {
                    drop("candump:", candump.rejectReason());
                }
            }
        }
    }

    private void onSyslog(final MemorySegment segment, final long offset, final int length)
    {
        if (syslog.parse(segment, offset, length))
        {
            final int msg = syslog.msgOffset();
            if (msg >= 0 && startsWith(segment, offset + msg, syslog.msgLength(), CEF_MARKER))
            {
                onCef(segment, offset, length, syslog);
                return;
            }
            if (msg >= 0 && startsWith(segment, offset + msg, syslog.msgLength(), LEEF_MARKER))
            {
                onLeef(segment, offset, length, syslog);
                return;
            }
            received++;
            decide(syslogReader.wrap(syslog));
            return;
        }
        if (cef.parse(segment, offset, length))
        {
            received++;
            decide(cefReader.wrap(cef, null));
            return;
        }
        if (leef.parse(segment, offset, length))
        {
            received++;
            decide(leefReader.wrap(leef, null));
            return;
        }
        received++;
        drop("syslog:", syslog.rejectReason());
    }

    private void onCef(final MemorySegment segment, final long offset, final int length, final SyslogParser header)
    {
        received++;
        if (cef.parse(segment, offset, length))
        {
            decide(cefReader.wrap(cef, header));
        }
        else
        {
            drop("cef:", cef.rejectReason());
        }
    }

    private void onLeef(final MemorySegment segment, final long offset, final int length, final SyslogParser header)
    {
        received++;
        if (leef.parse(segment, offset, length))
        {
            decide(leefReader.wrap(leef, header));
        }
        else
        {
            drop("leef:", leef.rejectReason());
        }
    }

    private void onNetflow(final IngestRecord header, final MemorySegment segment, final long offset, final int length)
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
        netflow.receivedAt(header.receiveTimeNs());
        if (!netflow.parse(segment, offset, length))
        {
            received++;
            drop("netflow:", netflow.rejectReason());
            return;
        }
        final int records = netflow.recordCount();
        for (int i = 0; i < records; i++)
        {
            if (netflow.selectRecord(i))
            {
                received++;
                decide(flowReader.wrap(netflow));
            }
        }
    }

    private void decide(final FieldReader item)
    {
        final int rule = policy.firstMatch(item);
        final int slot = Policy.NO_MATCH == rule ? action.length - 1 : rule;
        switch (action[slot])
        {
            case FILTER -> filtered++;
            case SAMPLE ->
            {
                if (matchesPerRule[slot]++ % sampleDenominator[slot] == 0)
                {
                    forwarded++;
                }
                else
                {
                    filtered++;
                }
            }
            default -> forwarded++;
        }
    }

    /**
     * Counts a dropped item under {@code prefix + reason}. The key String is made the first time a
     * (format, reason) pair is seen, then found by the reason's identity.
     */
    private void drop(final String prefix, final String reason)
    {
        final String key = dropKeys.key(prefix, reason);
        dropped.put(key, dropped.getValue(key) + 1);
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

    /** @return items seen: every message, or every record of an accepted flow datagram. */
    public long received()
    {
        return received;
    }

    /** @return items the policy kept. */
    public long forwarded()
    {
        return forwarded;
    }

    /** @return items the policy dropped or sampled out. */
    public long filtered()
    {
        return filtered;
    }

    /**
     * @param key {@code <format>:<reason>}, e.g. {@code json:unexpected_end}.
     * @return items dropped for that reason.
     */
    public long dropped(final String key)
    {
        return dropped.getValue(key);
    }

    /** @return items dropped for any reason. */
    public long droppedTotal()
    {
        long total = 0;
        for (final String key : dropped.keySet())
        {
            total += dropped.getValue(key);
        }
        return total;
    }

    /** Interned {@code prefix + reason} keys, so a drop allocates only the first time its reason is seen. */
    private static final class DropKeys
    {
        private final java.util.IdentityHashMap<String, java.util.IdentityHashMap<String, String>> keys =
            new java.util.IdentityHashMap<>();

        String key(final String prefix, final String reason)
        {
            final String why = null == reason ? "unknown" : reason;
            java.util.IdentityHashMap<String, String> byReason = keys.get(prefix);
            if (null == byReason)
            {
                byReason = new java.util.IdentityHashMap<>();
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
