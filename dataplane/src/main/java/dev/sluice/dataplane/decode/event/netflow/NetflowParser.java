package dev.sluice.dataplane.decode.event.netflow;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.EventParser;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static dev.sluice.dataplane.decode.event.netflow.InformationElements.*;

/**
 * Parses one NetFlow v5, NetFlow v9 or IPFIX (RFC 7011) export datagram (a UDP payload) where it
 * lies, and indexes the many flow records it carries.
 * <p>
 * Before each {@link #parse}, the ingest says who sent the datagram and when
 * ({@link #exporter}, {@link #receivedAt}): templates are kept per (exporter address,
 * observation domain / source id, template id) in a {@link NetflowTemplates} table, and the
 * receive time is the clock their expiry runs on. v9 template (0) and options template (1)
 * flowsets, IPFIX template (2) and options template (3) sets, enterprise-specific elements,
 * variable-length fields (also in v9, where H3C/Huawei NetStream send them) and IPFIX template
 * withdrawals are handled; reserved set ids are skipped and counted.
 * <p>
 * Data for a template not (or no longer) known is skipped and counted
 * ({@link #unknownTemplateSets()}, label {@code unknown_template}): the rest of the datagram
 * still parses. A datagram is rejected, with a constant reason and the offset where it went
 * wrong, when its structure is broken: {@link #TOO_SHORT}, {@link #UNSUPPORTED_VERSION},
 * {@link #BAD_LENGTH} (v5 count or IPFIX message length beyond the datagram),
 * {@link #BAD_SET_LENGTH}, {@link #BAD_TEMPLATE}, {@link #RECORD_OVERRUN} (a variable-length
 * record running past its set). Templates a datagram announced before the damage stay learned.
 * <p>
 * Records: {@link #recordCount()} records (flow records and options records, in datagram
 * order), up to the record capacity (more are counted in {@link #recordsOverCapacity()});
 * {@link #selectRecord(int)} decodes one, and the accessors ({@link #srcAddressLow()},
 * {@link #bytes()}, {@link #startNs()}, ..., {@link #fieldValue(int)}) then read it without
 * allocating; {@link #ABSENT} marks a field the record does not carry. Times are absolute epoch
 * nanoseconds: v5/v9 from sysUptime and the header's unix seconds (the uptime difference taken
 * as signed 32-bit, so a wrapped uptime still gives a time just before the export); IPFIX from
 * flowStart/End Seconds, Milliseconds, Microseconds, Nanoseconds (NTP format), DeltaMicroseconds
 * (before the export time), or SysUpTime plus systemInitTimeMilliseconds (from the record, or
 * from an earlier options record of the same observation domain).
 * <p>
 * {@link #visitFields} reports the datagram header ({@code netflow.version},
 * {@code netflow.sequence}, {@code netflow.exporter}, {@code netflow.observation_domain}; v5
 * reports its engine type and id as the domain, {@code type << 8 | id}, and
 * {@code netflow.sampling_interval}), then every record: first {@code flow.record} with the
 * record's index (what separates one record's fields from the next), then, for a flow record,
 * the {@code flow.*} fields it carries and every other element as {@code flow.ie_<enterprise>_<id>}
 * (an integer when fixed-length up to 8 bytes, else hex text); for an options record, {@code flow.options}
 * (true), {@code netflow.option.sampling_interval}, {@code netflow.option.sampling_algorithm},
 * {@code netflow.option.system_init_ms}, and the others as {@code netflow.option.ie_<e>_<id>}
 * ({@code netflow.option.scope.ie_<e>_<id>} for scope fields).
 * <p>
 * Confined to one worker thread, like the template table it uses.
 */
public final class NetflowParser implements EventParser
{
    public static final String TOO_SHORT = "too_short";
    public static final String UNSUPPORTED_VERSION = "unsupported_version";
    public static final String BAD_LENGTH = "bad_length";
    public static final String BAD_SET_LENGTH = "bad_set_length";
    public static final String BAD_TEMPLATE = "bad_template";
    public static final String RECORD_OVERRUN = "record_overrun";

    /** Counter label of data sets skipped because their template is unknown. */
    public static final String UNKNOWN_TEMPLATE = "unknown_template";

    /** Value of an accessor whose field the selected record does not carry. */
    public static final long ABSENT = -1;
    /** Default most records indexed per datagram. */
    public static final int DEFAULT_RECORD_CAPACITY = 4096;

    static final int V5 = 5;
    static final int V9 = 9;
    static final int IPFIX = 10;

    /*
     * NetFlow v5 header (24 bytes) and record (48 bytes):
     *  0 version | 2 count | 4 sysUptime ms | 8 unix secs | 12 unix nsecs | 16 flow sequence |
     *  20 engine type | 21 engine id | 22 sampling (2-bit mode, 14-bit interval)
     * record: 0 srcaddr | 4 dstaddr | 8 nexthop | 12 input | 14 output | 16 dPkts | 20 dOctets |
     *  24 first | 28 last | 32 srcport | 34 dstport | 36 pad | 37 tcp_flags | 38 prot | 39 tos |
     *  40 src_as | 42 dst_as | 44 src_mask | 45 dst_mask | 46 pad
     */
    static final int V5_HEADER_LENGTH = 24;
    static final int V5_RECORD_LENGTH = 48;
    static final int V5_SYS_UPTIME_OFFSET = 4;
    static final int V5_UNIX_SECS_OFFSET = 8;
    static final int V5_UNIX_NSECS_OFFSET = 12;
    static final int V5_SEQUENCE_OFFSET = 16;
    static final int V5_ENGINE_TYPE_OFFSET = 20;
    static final int V5_SAMPLING_OFFSET = 22;

    /*
     * NetFlow v9 header (20 bytes): 0 version | 2 count | 4 sysUptime ms | 8 unix secs | 12 sequence | 16 source id
     * IPFIX header (16 bytes): 0 version | 2 length | 4 export time (s) | 8 sequence | 12 observation domain
     * set / flowset header: 0 id | 2 length (header included)
     */
    static final int V9_HEADER_LENGTH = 20;
    static final int IPFIX_HEADER_LENGTH = 16;
    static final int SET_HEADER_LENGTH = 4;
    static final int V9_TEMPLATE_SET = 0;
    static final int V9_OPTIONS_TEMPLATE_SET = 1;
    static final int IPFIX_TEMPLATE_SET = 2;
    static final int IPFIX_OPTIONS_TEMPLATE_SET = 3;
    static final int FIRST_DATA_SET = 256;
    static final int ENTERPRISE_BIT = 0x8000;
    static final int VARIABLE_LENGTH_LONG = 255;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** Seconds from the NTP era (1900) to the Unix epoch. */
    private static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;
    private static final int NO_SLOT = -1;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final NetflowTemplates templates;
    private final int recordCapacity;

    // the datagram
    private MemorySegment segment;
    private long base;
    private int length;
    private String rejectReason;
    private int rejectOffset = -1;

    // who sent it, and when
    private int exporterVersion;
    private long exporterHigh;
    private long exporterLow;
    private int exporterPort;
    private long receivedNs;

    // header
    private int version;
    private long sequence;
    private long domain;
    private long exportNs;
    private long sysUptimeMs;
    private int v5SamplingInterval;
    private long domainSystemInitMs;
    private int headerCount;
    private int v9RecordsSeen;

    // records
    private int recordCount;
    private final int[] recordOffset;
    private final int[] recordLength;
    private final int[] recordSlot;
    private final int[] recordGeneration;

    // the selected record
    private int selected = -1;
    private int selectedSlot = NO_SLOT;
    private int selectedFieldCount;
    private final int[] fieldOffset;
    private final int[] fieldLength;
    private final boolean[] fieldConsumed;
    private final int[] roleField = new int[InformationElements.ROLE_COUNT];
    private final long[] roleValue = new long[InformationElements.ROLE_COUNT];
    private boolean options;
    private int srcVersion;
    private long srcHigh;
    private long srcLow;
    private int dstVersion;
    private long dstHigh;
    private long dstLow;
    private int nextHopVersion;
    private long nextHopHigh;
    private long nextHopLow;
    private long srcPort;
    private long dstPort;
    private long protocol;
    private long bytes;
    private long packets;
    private long tcpFlags;
    private long tos;
    private long inputIf;
    private long outputIf;
    private long srcAs;
    private long dstAs;
    private long srcMask;
    private long dstMask;
    private long ipVersion;
    private long startNs;
    private long endNs;
    private long samplingInterval;
    private long samplingAlgorithm;
    private long systemInitMs;

    // counters
    private long datagrams;
    private long rejected;
    private long recordsParsed;
    private long optionsRecordsParsed;
    private long unknownTemplateSets;
    private long reservedSets;
    private long templatesTooLarge;
    private long recordsOverCapacity;
    private long staleRecords;
    private long trailingGarbage;

    /** A parser with its own default template table and record capacity. */
    public NetflowParser()
    {
        this(new NetflowTemplates(), DEFAULT_RECORD_CAPACITY);
    }

    /**
     * @param templates      the worker's template table.
     * @param recordCapacity the most records indexed per datagram.
     */
    public NetflowParser(final NetflowTemplates templates, final int recordCapacity)
    {
        if (recordCapacity < 1)
        {
            throw new IllegalArgumentException("record capacity must be positive, got " + recordCapacity);
        }
        this.templates = templates;
        this.recordCapacity = recordCapacity;
        recordOffset = new int[recordCapacity];
        recordLength = new int[recordCapacity];
        recordSlot = new int[recordCapacity];
        recordGeneration = new int[recordCapacity];
        fieldOffset = new int[templates.maxFields()];
        fieldLength = new int[templates.maxFields()];
        fieldConsumed = new boolean[templates.maxFields()];
    }

    /** @return the template table. */
    public NetflowTemplates templates()
    {
        return templates;
    }

    /**
     * Says who sent the next datagram: templates are looked up and learned under this address.
     *
     * @param addressVersion 4 or 6.
     * @param high           IPv6: bits 127..64; IPv4: 0.
     * @param low            IPv6: bits 63..0; IPv4: the address as an unsigned 32-bit value.
     * @param port           the exporter's UDP source port (reported, not part of the template key).
     * @return this.
     */
    public NetflowParser exporter(final int addressVersion, final long high, final long low, final int port)
    {
        exporterVersion = addressVersion;
        exporterHigh = high;
        exporterLow = low;
        exporterPort = port;
        return this;
    }

    /**
     * Says when the next datagram arrived: the clock of template expiry.
     *
     * @param epochNs receive time, epoch nanoseconds.
     * @return this.
     */
    public NetflowParser receivedAt(final long epochNs)
    {
        receivedNs = epochNs;
        return this;
    }

    @Override
    public boolean parse(final MemorySegment segment, final long offset, final int length)
    {
        this.segment = segment;
        this.base = offset;
        this.length = length;
        rejectReason = null;
        rejectOffset = -1;
        recordCount = 0;
        selected = -1;
        selectedSlot = NO_SLOT;
        version = 0;
        sequence = 0;
        domain = 0;
        exportNs = 0;
        sysUptimeMs = 0;
        v5SamplingInterval = 0;
        domainSystemInitMs = -1;
        datagrams++;

        final boolean accepted;
        if (length < 4 || offset < 0 || offset + length > segment.byteSize())
        {
            accepted = reject(TOO_SHORT, 0);
        }
        else
        {
            version = u16(0);
            accepted = switch (version)
            {
                case V5 -> parseV5();
                case V9 -> parseV9();
                case IPFIX -> parseIpfix();
                default -> reject(UNSUPPORTED_VERSION, 0);
            };
        }
        if (accepted)
        {
            for (int i = 0; i < recordCount; i++)
            {
                if (recordSlot[i] != NO_SLOT && templates.options(recordSlot[i]))
                {
                    optionsRecordsParsed++;
                }
                else
                {
                    recordsParsed++;
                }
            }
        }
        else
        {
            recordCount = 0;
            rejected++;
        }
        return accepted;
    }

    @Override
    public String rejectReason()
    {
        return rejectReason;
    }

    @Override
    public int rejectOffset()
    {
        return rejectOffset;
    }

    // ------------------------------------------------------------------------------------ header

    /** @return 5, 9 or 10 (IPFIX) for the last datagram. */
    public int version()
    {
        return version;
    }

    /** @return the header's sequence number (v5: flows, v9: packets, IPFIX: data records before this message). */
    public long sequence()
    {
        return sequence;
    }

    /** @return the v9 source id or IPFIX observation domain id; v5: engine type {@code << 8 |} engine id. */
    public long observationDomain()
    {
        return domain;
    }

    /** @return the header's export time, epoch nanoseconds. */
    public long exportNs()
    {
        return exportNs;
    }

    /** @return the exporter's address version given with {@link #exporter}. */
    public int exporterVersion()
    {
        return exporterVersion;
    }

    public long exporterHigh()
    {
        return exporterHigh;
    }

    public long exporterLow()
    {
        return exporterLow;
    }

    public int exporterPort()
    {
        return exporterPort;
    }

    // ------------------------------------------------------------------------------------ records

    /** @return records indexed in the last accepted datagram (flow and options records). */
    public int recordCount()
    {
        return recordCount;
    }

    /**
     * Decodes record {@code index} for the accessors below.
     *
     * @return false when there is no such record, or when a later set of the same datagram
     * replaced or withdrew the template it was indexed with (counted in {@link #staleRecords()}).
     */
    public boolean selectRecord(final int index)
    {
        if (index < 0 || index >= recordCount)
        {
            return false;
        }
        clearSelection();
        final int slot = recordSlot[index];
        if (slot == NO_SLOT)
        {
            selected = index;
            selectV5(recordOffset[index]);
            return true;
        }
        if (templates.generation(slot) != recordGeneration[index])
        {
            staleRecords++;
            return false;
        }
        selected = index;
        selectedSlot = slot;
        selectTemplated(slot, recordOffset[index]);
        return true;
    }

    /** @return the selected record's index, or -1. */
    public int selectedRecord()
    {
        return selected;
    }

    /** @return true when the selected record is an options record (sampling, system init time...), not a flow. */
    public boolean isOptionsRecord()
    {
        return options;
    }

    /** @return the template id of the selected record; 0 for v5. */
    public int templateId()
    {
        return selectedSlot == NO_SLOT ? 0 : templates.templateId(selectedSlot);
    }

    /** @return offset of the selected record from the datagram start. */
    public int recordOffset()
    {
        return selected < 0 ? -1 : recordOffset[selected];
    }

    /** @return length of the selected record in bytes. */
    public int recordLength()
    {
        return selected < 0 ? -1 : recordLength[selected];
    }

    /** @return 4 or 6, or 0 when the record has no source address. */
    public int srcAddressVersion()
    {
        return srcVersion;
    }

    public long srcAddressHigh()
    {
        return srcHigh;
    }

    public long srcAddressLow()
    {
        return srcLow;
    }

    /** @return 4 or 6, or 0 when the record has no destination address. */
    public int dstAddressVersion()
    {
        return dstVersion;
    }

    public long dstAddressHigh()
    {
        return dstHigh;
    }

    public long dstAddressLow()
    {
        return dstLow;
    }

    /** @return 4 or 6, or 0 when the record has no next hop. */
    public int nextHopVersion()
    {
        return nextHopVersion;
    }

    public long nextHopHigh()
    {
        return nextHopHigh;
    }

    public long nextHopLow()
    {
        return nextHopLow;
    }

    public long srcPort()
    {
        return srcPort;
    }

    public long dstPort()
    {
        return dstPort;
    }

    public long protocol()
    {
        return protocol;
    }

    /** @return octetDeltaCount, else octetTotalCount. */
    public long bytes()
    {
        return bytes;
    }

    /** @return packetDeltaCount, else packetTotalCount. */
    public long packets()
    {
        return packets;
    }

    public long tcpFlags()
    {
        return tcpFlags;
    }

    public long tos()
    {
        return tos;
    }

    public long inputInterface()
    {
        return inputIf;
    }

    public long outputInterface()
    {
        return outputIf;
    }

    public long srcAs()
    {
        return srcAs;
    }

    public long dstAs()
    {
        return dstAs;
    }

    public long srcMask()
    {
        return srcMask;
    }

    public long dstMask()
    {
        return dstMask;
    }

    /** @return ipVersion, else the version of the source address. */
    public long ipVersion()
    {
        return ipVersion;
    }

    /** @return the flow's first packet, epoch nanoseconds. */
    public long startNs()
    {
        return startNs;
    }

    /** @return the flow's last packet, epoch nanoseconds. */
    public long endNs()
    {
        return endNs;
    }

    /** @return an options record's samplingInterval / samplingPacketInterval. */
    public long samplingInterval()
    {
        return samplingInterval;
    }

    /** @return an options record's samplingAlgorithm / selectorAlgorithm. */
    public long samplingAlgorithm()
    {
        return samplingAlgorithm;
    }

    /** @return the record's systemInitTimeMilliseconds. */
    public long systemInitMs()
    {
        return systemInitMs;
    }

    /** @return fields of the selected templated record (0 for v5, whose fields have accessors only). */
    public int fieldCount()
    {
        return selectedFieldCount;
    }

    /** @return field {@code k}'s element id (v9: field type), without the enterprise bit. */
    public int fieldId(final int k)
    {
        return templates.fieldId(templates.fieldBase(selectedSlot) + k);
    }

    /** @return field {@code k}'s enterprise number, 0 for IANA elements and every v9 field. */
    public long fieldEnterprise(final int k)
    {
        return templates.fieldEnterprise(templates.fieldBase(selectedSlot) + k);
    }

    /** @return true when field {@code k} is one of an options record's scope fields. */
    public boolean isScopeField(final int k)
    {
        return k < templates.scopeFieldCount(selectedSlot);
    }

    /** @return offset of field {@code k}'s value from the datagram start. */
    public int fieldOffset(final int k)
    {
        return fieldOffset[k];
    }

    /** @return length of field {@code k}'s value (the actual length for a variable-length field). */
    public int fieldLength(final int k)
    {
        return fieldLength[k];
    }

    /** @return field {@code k}'s value as an unsigned big-endian integer: its last 8 bytes when longer. */
    public long fieldValue(final int k)
    {
        final int len = fieldLength[k];
        return len <= 8 ? unsigned(fieldOffset[k], len) : u64(fieldOffset[k] + len - 8);
    }

    /** @return true when field {@code k} is reported under a policy name of its own ({@code flow.src}, ...), not as an {@code ie_}. */
    boolean fieldReported(final int k)
    {
        return fieldConsumed[k];
    }

    /** @return true when field {@code k}'s template declares it variable-length. */
    boolean fieldVariableLength(final int k)
    {
        return templates.fieldLength(templates.fieldBase(selectedSlot) + k) == NetflowTemplates.VARIABLE_LENGTH;
    }

    /** @return byte {@code i} of field {@code k}'s value. */
    int fieldByte(final int k, final int i)
    {
        return u8(fieldOffset[k] + i);
    }

    /** @return a v5 header's sampling interval (reported as {@code netflow.sampling_interval}). */
    int v5SamplingInterval()
    {
        return v5SamplingInterval;
    }

    /**
     * @return the value of the selected record's first field with this element, as {@link #fieldValue}, or {@link #ABSENT}.
     */
    public long value(final long enterprise, final int id)
    {
        final int first = selectedSlot == NO_SLOT ? 0 : templates.fieldBase(selectedSlot);
        for (int k = 0; k < selectedFieldCount; k++)
        {
            if (templates.fieldId(first + k) == id && templates.fieldEnterprise(first + k) == enterprise)
            {
                return fieldValue(k);
            }
        }
        return ABSENT;
    }

    // ------------------------------------------------------------------------------------ counters

    /** @return datagrams parsed (accepted or not). */
    public long datagrams()
    {
        return datagrams;
    }

    /** @return datagrams rejected. */
    public long rejected()
    {
        return rejected;
    }

    /** @return flow records indexed in accepted datagrams. */
    public long recordsParsed()
    {
        return recordsParsed;
    }

    /** @return options records indexed in accepted datagrams. */
    public long optionsRecordsParsed()
    {
        return optionsRecordsParsed;
    }

    /** @return data sets skipped because their template is unknown or expired ({@link #UNKNOWN_TEMPLATE}). */
    public long unknownTemplateSets()
    {
        return unknownTemplateSets;
    }

    /** @return sets with a reserved id, skipped. */
    public long reservedSets()
    {
        return reservedSets;
    }

    /** @return templates not kept because they have more fields than the table holds. */
    public long templatesTooLarge()
    {
        return templatesTooLarge;
    }

    /** @return records beyond the record capacity of a datagram, not indexed. */
    public long recordsOverCapacity()
    {
        return recordsOverCapacity;
    }

    /** @return v9 datagrams whose bytes after all the records the header counts were not flowsets, ignored. */
    public long trailingGarbage()
    {
        return trailingGarbage;
    }

    /** @return selections refused because a later set of the datagram replaced the record's template. */
    public long staleRecords()
    {
        return staleRecords;
    }

    // ------------------------------------------------------------------------------------ fields for tools

    @Override
    public void visitFields(final EventFieldVisitor visitor)
    {
        if (null != rejectReason || version == 0)
        {
            return;
        }
        visitor.integer("netflow.version", version);
        visitor.integer("netflow.sequence", sequence);
        if (exporterVersion == 4 || exporterVersion == 6)
        {
            visitor.address("netflow.exporter", exporterVersion, exporterHigh, exporterLow);
        }
        visitor.integer("netflow.observation_domain", domain);
        if (version == V5)
        {
            visitor.integer("netflow.sampling_interval", v5SamplingInterval);
        }
        final int previous = selected;
        for (int i = 0; i < recordCount; i++)
        {
            visitor.integer("flow.record", i);
            if (selectRecord(i))
            {
                if (options)
                {
                    visitOptionsRecord(visitor);
                }
                else
                {
                    visitFlowRecord(visitor);
                }
            }
        }
        if (previous >= 0)
        {
            selectRecord(previous);
        }
    }

    private void visitFlowRecord(final EventFieldVisitor visitor)
    {
        integer(visitor, "flow.ip_version", ipVersion);
        if (srcVersion != 0)
        {
            visitor.address("flow.src", srcVersion, srcHigh, srcLow);
        }
        if (dstVersion != 0)
        {
            visitor.address("flow.dst", dstVersion, dstHigh, dstLow);
        }
        integer(visitor, "flow.srcport", srcPort);
        integer(visitor, "flow.dstport", dstPort);
        integer(visitor, "flow.proto", protocol);
        integer(visitor, "flow.bytes", bytes);
        integer(visitor, "flow.packets", packets);
        integer(visitor, "flow.tcp_flags", tcpFlags);
        integer(visitor, "flow.tos", tos);
        integer(visitor, "flow.input_if", inputIf);
        integer(visitor, "flow.output_if", outputIf);
        if (startNs != ABSENT)
        {
            visitor.integer("flow.start_ns", startNs);
        }
        if (endNs != ABSENT)
        {
            visitor.integer("flow.end_ns", endNs);
        }
        if (nextHopVersion != 0)
        {
            visitor.address("flow.next_hop", nextHopVersion, nextHopHigh, nextHopLow);
        }
        integer(visitor, "flow.src_as", srcAs);
        integer(visitor, "flow.dst_as", dstAs);
        integer(visitor, "flow.src_mask", srcMask);
        integer(visitor, "flow.dst_mask", dstMask);
        visitUnconsumed(visitor, "flow.ie_", "flow.ie_");
    }

    private void visitOptionsRecord(final EventFieldVisitor visitor)
    {
        visitor.bool("flow.options", true);
        integer(visitor, "netflow.option.sampling_interval", samplingInterval);
        integer(visitor, "netflow.option.sampling_algorithm", samplingAlgorithm);
        integer(visitor, "netflow.option.system_init_ms", systemInitMs);
        visitUnconsumed(visitor, "netflow.option.scope.ie_", "netflow.option.ie_");
    }

    private void visitUnconsumed(final EventFieldVisitor visitor, final String scopePrefix, final String prefix)
    {
        for (int k = 0; k < selectedFieldCount; k++)
        {
            final int len = fieldLength[k];
            if (fieldConsumed[k] || len == 0)
            {
                continue;
            }
            final String name = (isScopeField(k) ? scopePrefix : prefix) + fieldEnterprise(k) + "_" + fieldId(k);
            if (len <= 8 && !fieldVariableLength(k))
            {
                visitor.integer(name, fieldValue(k));
            }
            else
            {
                final StringBuilder hex = new StringBuilder(len * 2);
                for (int i = 0; i < len; i++)
                {
                    final int b = u8(fieldOffset[k] + i);
                    hex.append(HEX[b >>> 4]).append(HEX[b & 0xF]);
                }
                visitor.text(name, hex);
            }
        }
    }

    private static void integer(final EventFieldVisitor visitor, final String name, final long value)
    {
        if (value != ABSENT)
        {
            visitor.integer(name, value);
        }
    }

    // ------------------------------------------------------------------------------------ parsing

    private boolean parseV5()
    {
        if (length < V5_HEADER_LENGTH)
        {
            return reject(TOO_SHORT, length);
        }
        final int count = u16(2);
        sysUptimeMs = u32(V5_SYS_UPTIME_OFFSET);
        exportNs = u32(V5_UNIX_SECS_OFFSET) * NANOS_PER_SECOND + u32(V5_UNIX_NSECS_OFFSET);
        sequence = u32(V5_SEQUENCE_OFFSET);
        domain = u16(V5_ENGINE_TYPE_OFFSET);
        v5SamplingInterval = u16(V5_SAMPLING_OFFSET) & 0x3FFF;
        if (V5_HEADER_LENGTH + (long)count * V5_RECORD_LENGTH > length)
        {
            return reject(BAD_LENGTH, 2);
        }
        for (int i = 0; i < count; i++)
        {
            addRecord(V5_HEADER_LENGTH + i * V5_RECORD_LENGTH, V5_RECORD_LENGTH, NO_SLOT, 0);
        }
        return true;
    }

    private boolean parseV9()
    {
        if (length < V9_HEADER_LENGTH)
        {
            return reject(TOO_SHORT, length);
        }
        headerCount = u16(2);
        v9RecordsSeen = 0;
        sysUptimeMs = u32(4);
        exportNs = u32(8) * NANOS_PER_SECOND;
        sequence = u32(12);
        domain = u32(16);
        int position = V9_HEADER_LENGTH;
        while (length - position >= SET_HEADER_LENGTH)
        {
            final int setId = u16(position);
            final int setLength = u16(position + 2);
            final int end = position + setLength;
            if (setLength < SET_HEADER_LENGTH || end > length)
            {
                if (setLength == 0 && setId == 0 && allZero(position, length))
                {
                    break; // zero fill after the last flowset (PAN-OS)
                }
                if (headerCount > 0 && v9RecordsSeen >= headerCount)
                {
                    // Every record the header announced is here: what follows is not part of this export
                    // packet (a capture that glued two datagrams together, an exporter's stray bytes).
                    trailingGarbage++;
                    break;
                }
                return reject(BAD_SET_LENGTH, position + 2);
            }
            final int start = position + SET_HEADER_LENGTH;
            final boolean ok;
            if (setId == V9_TEMPLATE_SET)
            {
                ok = v9Templates(start, end);
            }
            else if (setId == V9_OPTIONS_TEMPLATE_SET)
            {
                ok = v9OptionsTemplates(start, end);
            }
            else if (setId < FIRST_DATA_SET)
            {
                reservedSets++;
                ok = true;
            }
            else
            {
                ok = dataSet(setId, start, end);
            }
            if (!ok)
            {
                return false;
            }
            position = end;
        }
        return true;
    }

    private boolean parseIpfix()
    {
        if (length < IPFIX_HEADER_LENGTH)
        {
            return reject(TOO_SHORT, length);
        }
        final int messageLength = u16(2);
        if (messageLength < IPFIX_HEADER_LENGTH || messageLength > length)
        {
            return reject(BAD_LENGTH, 2);
        }
        exportNs = u32(4) * NANOS_PER_SECOND;
        sequence = u32(8);
        domain = u32(12);
        domainSystemInitMs = templates.systemInitMs(exporterVersion, exporterHigh, exporterLow, domain, receivedNs);
        int position = IPFIX_HEADER_LENGTH;
        while (position < messageLength)
        {
            if (messageLength - position < SET_HEADER_LENGTH)
            {
                return reject(BAD_SET_LENGTH, position);
            }
            final int setId = u16(position);
            final int setLength = u16(position + 2);
            final int end = position + setLength;
            if (setLength < SET_HEADER_LENGTH || end > messageLength)
            {
                return reject(BAD_SET_LENGTH, position + 2);
            }
            final int start = position + SET_HEADER_LENGTH;
            final boolean ok;
            if (setId == IPFIX_TEMPLATE_SET)
            {
                ok = ipfixTemplates(start, end, false);
            }
            else if (setId == IPFIX_OPTIONS_TEMPLATE_SET)
            {
                ok = ipfixTemplates(start, end, true);
            }
            else if (setId < FIRST_DATA_SET)
            {
                reservedSets++;
                ok = true;
            }
            else
            {
                ok = dataSet(setId, start, end);
            }
            if (!ok)
            {
                return false;
            }
            position = end;
        }
        return true;
    }

    /** v9 template record: 0 template id | 2 field count | (2 type | 2 length) per field. */
    private boolean v9Templates(final int start, final int end)
    {
        int position = start;
        while (end - position >= 4)
        {
            final int template = u16(position);
            final int count = u16(position + 2);
            if (template == 0 && count == 0 && allZero(position, end))
            {
                break; // padding
            }
            if (template < FIRST_DATA_SET)
            {
                return reject(BAD_TEMPLATE, position);
            }
            final int fieldsStart = position + 4;
            if (fieldsStart + count * 4L > end)
            {
                return reject(BAD_TEMPLATE, position + 2);
            }
            if (!learn(template, fieldsStart, count, 0, false, position))
            {
                return false;
            }
            position = fieldsStart + count * 4;
        }
        return true;
    }

    /** v9 options template: 0 template id | 2 scope length (bytes) | 4 option length (bytes) | scope fields | option fields. */
    private boolean v9OptionsTemplates(final int start, final int end)
    {
        int position = start;
        while (end - position >= 6)
        {
            final int template = u16(position);
            final int scopeLength = u16(position + 2);
            final int optionLength = u16(position + 4);
            if (template == 0 && scopeLength == 0 && allZero(position, end))
            {
                break; // padding
            }
            if (template < FIRST_DATA_SET)
            {
                return reject(BAD_TEMPLATE, position);
            }
            if ((scopeLength & 3) != 0 || (optionLength & 3) != 0)
            {
                return reject(BAD_TEMPLATE, position + 2);
            }
            final int fieldsStart = position + 6;
            if (fieldsStart + scopeLength + optionLength > end)
            {
                return reject(BAD_TEMPLATE, position + 2);
            }
            if (!learn(template, fieldsStart, (scopeLength + optionLength) / 4, scopeLength / 4, true, position))
            {
                return false;
            }
            position = fieldsStart + scopeLength + optionLength;
        }
        return true;
    }

    /** Learns a v9 template whose (type, length) pairs start at {@code fieldsStart} and lie inside the set. */
    private boolean learn(
        final int template, final int fieldsStart, final int count, final int scopeCount, final boolean isOptions,
        final int recordStart)
    {
        v9RecordsSeen++;
        if (count > templates.maxFields())
        {
            templatesTooLarge++;
            return true;
        }
        final int slot = templates.claim(exporterVersion, exporterHigh, exporterLow, domain, template, receivedNs);
        for (int k = 0; k < count; k++)
        {
            final int at = fieldsStart + k * 4;
            templates.field(slot, k, u16(at), 0, u16(at + 2), k < scopeCount);
        }
        return commit(slot, template, count, scopeCount, isOptions, recordStart);
    }

    private boolean commit(
        final int slot, final int template, final int count, final int scopeCount, final boolean isOptions,
        final int recordStart)
    {
        if (templates.minRecordLength(slot) == 0)
        {
            // Records of no bytes cannot be told apart: an exporter bug, not something to count forever.
            templates.clearSlot(slot);
            return reject(BAD_TEMPLATE, recordStart);
        }
        templates.commit(slot, template, count, scopeCount, isOptions);
        return true;
    }

    /**
     * IPFIX template record: 0 template id | 2 field count [| 4 scope field count, options] | field specifiers:
     * 0 E + element id | 2 length [| 4 enterprise number, when E]. Field count 0: a withdrawal.
     */
    private boolean ipfixTemplates(final int start, final int end, final boolean isOptions)
    {
        int position = start;
        while (end - position >= 4)
        {
            final int template = u16(position);
            final int count = u16(position + 2);
            if (count == 0)
            {
                if (template == 0 && allZero(position, end))
                {
                    break; // padding
                }
                if (template == (isOptions ? IPFIX_OPTIONS_TEMPLATE_SET : IPFIX_TEMPLATE_SET))
                {
                    templates.withdrawAll(exporterVersion, exporterHigh, exporterLow, domain, isOptions);
                }
                else if (template >= FIRST_DATA_SET)
                {
                    templates.withdraw(exporterVersion, exporterHigh, exporterLow, domain, template);
                }
                else
                {
                    return reject(BAD_TEMPLATE, position);
                }
                position += 4;
                continue;
            }
            if (template < FIRST_DATA_SET)
            {
                return reject(BAD_TEMPLATE, position);
            }
            int scopeCount = 0;
            int fieldPosition = position + 4;
            if (isOptions)
            {
                if (end - position < 6)
                {
                    return reject(BAD_TEMPLATE, position + 4);
                }
                scopeCount = u16(position + 4);
                if (scopeCount == 0 || scopeCount > count)
                {
                    return reject(BAD_TEMPLATE, position + 4);
                }
                fieldPosition += 2;
            }
            final boolean keep = count <= templates.maxFields();
            final int slot = keep ?
                templates.claim(exporterVersion, exporterHigh, exporterLow, domain, template, receivedNs) : NO_SLOT;
            for (int k = 0; k < count; k++)
            {
                if (end - fieldPosition < 4)
                {
                    return badTemplateField(slot, fieldPosition);
                }
                int id = u16(fieldPosition);
                final int fieldLen = u16(fieldPosition + 2);
                fieldPosition += 4;
                long enterprise = 0;
                if ((id & ENTERPRISE_BIT) != 0)
                {
                    if (end - fieldPosition < 4)
                    {
                        return badTemplateField(slot, fieldPosition);
                    }
                    enterprise = u32(fieldPosition);
                    fieldPosition += 4;
                    id &= ~ENTERPRISE_BIT;
                }
                if (keep)
                {
                    templates.field(slot, k, id, enterprise, fieldLen, false);
                }
            }
            if (keep)
            {
                if (!commit(slot, template, count, scopeCount, isOptions, position))
                {
                    return false;
                }
            }
            else
            {
                templatesTooLarge++;
            }
            position = fieldPosition;
        }
        return true;
    }

    private boolean badTemplateField(final int slot, final int offset)
    {
        if (slot != NO_SLOT)
        {
            templates.clearSlot(slot);
        }
        return reject(BAD_TEMPLATE, offset);
    }

    /** Indexes the records of a data set; the bytes after the last whole record are padding. */
    private boolean dataSet(final int setId, final int start, final int end)
    {
        final int slot = templates.find(exporterVersion, exporterHigh, exporterLow, domain, setId, receivedNs);
        if (slot == NetflowTemplates.EMPTY)
        {
            unknownTemplateSets++;
            return true;
        }
        final int minLength = templates.minRecordLength(slot);
        final int generation = templates.generation(slot);
        final boolean variable = templates.variableLength(slot);
        final boolean systemInit = templates.hasSystemInit(slot);
        long lastSystemInit = -1;
        int position = start;
        while (end - position >= minLength)
        {
            final int recordEnd = variable ? walk(slot, position, end) : position + minLength;
            if (recordEnd < 0)
            {
                return reject(RECORD_OVERRUN, position);
            }
            addRecord(position, recordEnd - position, slot, generation);
            if (systemInit)
            {
                lastSystemInit = systemInitOf(slot, position);
            }
            position = recordEnd;
        }
        if (lastSystemInit >= 0)
        {
            domainSystemInitMs = lastSystemInit;
            templates.systemInitMs(exporterVersion, exporterHigh, exporterLow, domain, receivedNs, lastSystemInit);
        }
        return true;
    }

    /** @return the end of the variable-length record at {@code position}, or -1 when it runs past {@code end}. */
    private int walk(final int slot, final int position, final int end)
    {
        final int first = templates.fieldBase(slot);
        final int count = templates.fieldCount(slot);
        int at = position;
        for (int k = 0; k < count; k++)
        {
            int len = templates.fieldLength(first + k);
            if (len == NetflowTemplates.VARIABLE_LENGTH)
            {
                if (at >= end)
                {
                    return -1;
                }
                len = u8(at++);
                if (len == VARIABLE_LENGTH_LONG)
                {
                    if (end - at < 2)
                    {
                        return -1;
                    }
                    len = u16(at);
                    at += 2;
                }
            }
            at += len;
            if (at > end)
            {
                return -1;
            }
        }
        return at;
    }

    private long systemInitOf(final int slot, final int position)
    {
        final int first = templates.fieldBase(slot);
        final int count = templates.fieldCount(slot);
        int at = position;
        for (int k = 0; k < count; k++)
        {
            int len = templates.fieldLength(first + k);
            if (len == NetflowTemplates.VARIABLE_LENGTH)
            {
                len = u8(at++);
                if (len == VARIABLE_LENGTH_LONG)
                {
                    len = u16(at);
                    at += 2;
                }
            }
            if (templates.fieldRole(first + k) == SYSTEM_INIT_MS && len > 0 && len <= 8)
            {
                return unsigned(at, len);
            }
            at += len;
        }
        return -1;
    }

    private void addRecord(final int offset, final int recordLen, final int slot, final int generation)
    {
        v9RecordsSeen++;
        if (recordCount == recordCapacity)
        {
            recordsOverCapacity++;
            return;
        }
        recordOffset[recordCount] = offset;
        recordLength[recordCount] = recordLen;
        recordSlot[recordCount] = slot;
        recordGeneration[recordCount] = generation;
        recordCount++;
    }

    // ------------------------------------------------------------------------------------ selection

    private void clearSelection()
    {
        selected = -1;
        selectedSlot = NO_SLOT;
        selectedFieldCount = 0;
        options = false;
        srcVersion = 0;
        srcHigh = 0;
        srcLow = 0;
        dstVersion = 0;
        dstHigh = 0;
        dstLow = 0;
        nextHopVersion = 0;
        nextHopHigh = 0;
        nextHopLow = 0;
        srcPort = ABSENT;
        dstPort = ABSENT;
        protocol = ABSENT;
        bytes = ABSENT;
        packets = ABSENT;
        tcpFlags = ABSENT;
        tos = ABSENT;
        inputIf = ABSENT;
        outputIf = ABSENT;
        srcAs = ABSENT;
        dstAs = ABSENT;
        srcMask = ABSENT;
        dstMask = ABSENT;
        ipVersion = ABSENT;
        startNs = ABSENT;
        endNs = ABSENT;
        samplingInterval = ABSENT;
        samplingAlgorithm = ABSENT;
        systemInitMs = ABSENT;
    }

    private void selectV5(final int at)
    {
        srcVersion = 4;
        srcLow = u32(at);
        dstVersion = 4;
        dstLow = u32(at + 4);
        nextHopVersion = 4;
        nextHopLow = u32(at + 8);
        inputIf = u16(at + 12);
        outputIf = u16(at + 14);
        packets = u32(at + 16);
        bytes = u32(at + 20);
        startNs = exportNs - uptimeDeltaNs(u32(at + 24), 4);
        endNs = exportNs - uptimeDeltaNs(u32(at + 28), 4);
        srcPort = u16(at + 32);
        dstPort = u16(at + 34);
        tcpFlags = u8(at + 37);
        protocol = u8(at + 38);
        tos = u8(at + 39);
        srcAs = u16(at + 40);
        dstAs = u16(at + 42);
        srcMask = u8(at + 44);
        dstMask = u8(at + 45);
        ipVersion = 4;
    }

    /** How long before the export a v5/v9 uptime stamp lies; 32-bit stamps wrap, so their difference is signed 32-bit. */
    private long uptimeDeltaNs(final long stampMs, final int stampLength)
    {
        final long deltaMs = stampLength <= 4 ? (int)(sysUptimeMs - stampMs) : sysUptimeMs - stampMs;
        return deltaMs * NANOS_PER_MILLI;
    }

    private void selectTemplated(final int slot, final int position)
    {
        final int first = templates.fieldBase(slot);
        final int count = templates.fieldCount(slot);
        final boolean optionsRecord = templates.options(slot);
        options = optionsRecord;
        selectedFieldCount = count;
        java.util.Arrays.fill(roleField, -1);
        int at = position;
        for (int k = 0; k < count; k++)
        {
            int len = templates.fieldLength(first + k);
            if (len == NetflowTemplates.VARIABLE_LENGTH)
            {
                len = u8(at++);
                if (len == VARIABLE_LENGTH_LONG)
                {
                    len = u16(at);
                    at += 2;
                }
            }
            fieldOffset[k] = at;
            fieldLength[k] = len;
            fieldConsumed[k] = false;
            final byte role = templates.fieldRole(first + k);
            if (role != NONE && len > 0)
            {
                if (role == SRC_ADDRESS || role == DST_ADDRESS || role == NEXT_HOP)
                {
                    fieldConsumed[k] = !optionsRecord && address(role, at, len);
                }
                else if (len <= 8 && roleField[role] < 0)
                {
                    roleField[role] = k;
                    roleValue[role] = unsigned(at, len);
                }
            }
            at += len;
        }
        if (optionsRecord)
        {
            samplingInterval = take(SAMPLING_INTERVAL_ROLE);
            samplingAlgorithm = take(SAMPLING_ALGORITHM_ROLE);
            systemInitMs = take(SYSTEM_INIT_MS);
            return;
        }
        srcPort = take(SRC_PORT);
        dstPort = take(DST_PORT);
        protocol = take(PROTOCOL);
        bytes = roleField[BYTES] >= 0 ? take(BYTES) : take(TOTAL_BYTES);
        packets = roleField[PACKETS] >= 0 ? take(PACKETS) : take(TOTAL_PACKETS);
        tcpFlags = take(TCP_FLAGS);
        tos = take(TOS);
        inputIf = take(INPUT_IF);
        outputIf = take(OUTPUT_IF);
        srcAs = take(SRC_AS);
        dstAs = take(DST_AS);
        srcMask = take(SRC_MASK);
        dstMask = take(DST_MASK);
        ipVersion = take(IP_VERSION_ROLE);
        systemInitMs = take(SYSTEM_INIT_MS);
        if (ipVersion == ABSENT && srcVersion != 0)
        {
            ipVersion = srcVersion;
        }
        startNs = time(START_NTP, START_MILLISECONDS, START_SECONDS, START_DELTA_US, START_UPTIME_MS);
        endNs = time(END_NTP, END_MILLISECONDS, END_SECONDS, END_DELTA_US, END_UPTIME_MS);
    }

    /** @return the value of the record's first field in {@code role}, marked as reported under its policy name; or ABSENT. */
    private long take(final byte role)
    {
        final int k = roleField[role];
        if (k < 0)
        {
            return ABSENT;
        }
        fieldConsumed[k] = true;
        return roleValue[role];
    }

    /** The most precise of a record's time elements, as epoch nanoseconds; or ABSENT. */
    private long time(final byte ntp, final byte millis, final byte seconds, final byte deltaMicros, final byte uptime)
    {
        if (roleField[ntp] >= 0 && fieldLength[roleField[ntp]] == 8)
        {
            final long value = take(ntp);
            return ((value >>> 32) - NTP_TO_UNIX_SECONDS) * NANOS_PER_SECOND +
                (((value & 0xFFFF_FFFFL) * NANOS_PER_SECOND) >>> 32);
        }
        if (roleField[millis] >= 0)
        {
            return take(millis) * NANOS_PER_MILLI;
        }
        if (roleField[seconds] >= 0)
        {
            return take(seconds) * NANOS_PER_SECOND;
        }
        if (roleField[deltaMicros] >= 0)
        {
            return exportNs - take(deltaMicros) * 1000;
        }
        if (roleField[uptime] >= 0)
        {
            final int stampLength = fieldLength[roleField[uptime]];
            if (version == V9)
            {
                return exportNs - uptimeDeltaNs(take(uptime), stampLength);
            }
            final long init = systemInitMs != ABSENT ? systemInitMs : domainSystemInitMs;
            return init < 0 ? ABSENT : (init + take(uptime)) * NANOS_PER_MILLI;
        }
        return ABSENT;
    }

    private boolean address(final byte role, final int at, final int len)
    {
        if (len != 4 && len != 16)
        {
            return false;
        }
        final int addressVersion = len == 4 ? 4 : 6;
        final long high = len == 4 ? 0 : u64(at);
        final long low = len == 4 ? u32(at) : u64(at + 8);
        if (role == SRC_ADDRESS && srcVersion == 0)
        {
            srcVersion = addressVersion;
            srcHigh = high;
            srcLow = low;
            return true;
        }
        if (role == DST_ADDRESS && dstVersion == 0)
        {
            dstVersion = addressVersion;
            dstHigh = high;
            dstLow = low;
            return true;
        }
        if (role == NEXT_HOP && nextHopVersion == 0)
        {
            nextHopVersion = addressVersion;
            nextHopHigh = high;
            nextHopLow = low;
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------------------------ bytes

    private boolean reject(final String reason, final int offset)
    {
        rejectReason = reason;
        rejectOffset = offset;
        return false;
    }

    private boolean allZero(final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (segment.get(ValueLayout.JAVA_BYTE, base + i) != 0)
            {
                return false;
            }
        }
        return true;
    }

    private int u8(final int at)
    {
        return segment.get(ValueLayout.JAVA_BYTE, base + at) & 0xFF;
    }

    private int u16(final int at)
    {
        return segment.get(U16, base + at) & 0xFFFF;
    }

    private long u32(final int at)
    {
        return segment.get(U32, base + at) & 0xFFFF_FFFFL;
    }

    private long u64(final int at)
    {
        return segment.get(U64, base + at);
    }

    /** Reduced-size encoding (RFC 7011 section 6.2): an unsigned integer in 0-8 bytes. */
    private long unsigned(final int at, final int len)
    {
        return switch (len)
        {
            case 1 -> u8(at);
            case 2 -> u16(at);
            case 4 -> u32(at);
            case 8 -> u64(at);
            default ->
            {
                long value = 0;
                for (int i = 0; i < len; i++)
                {
                    value = (value << 8) | u8(at + i);
                }
                yield value;
            }
        };
    }
}
