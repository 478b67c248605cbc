package dev.sluice.dataplane.decode.event.netflow;

import dev.sluice.dataplane.anonymize.CryptoPan;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static dev.sluice.dataplane.decode.event.netflow.NetflowParser.ABSENT;

/**
 * Renders the record selected in a {@link NetflowParser} as one compact JSON object: the text a
 * forwarded flow event carries, since a NetFlow/IPFIX record has none of its own.
 * <pre>
 * {"netflow.version":9,"netflow.sequence":1742,"netflow.exporter":"192.0.2.10","netflow.observation_domain":0,
 *  "flow.record":3,"flow.ip_version":4,"flow.src":"10.0.0.2","flow.dst":"10.0.0.3","flow.srcport":2049,
 *  "flow.dstport":43247,"flow.proto":6,"flow.bytes":1234,"flow.packets":12,...,"flow.ie_0_225":167772162}
 * </pre>
 * (Shown wrapped.) The members are exactly the fields {@link NetflowParser#visitFields} reports
 * for the datagram header and that record, under the same names and in the same order: addresses
 * as text (IPv4 dotted, IPv6 in RFC 5952 form, IPv4-mapped as {@code ::ffff:a.b.c.d}), integers
 * in decimal (an element's value is unsigned: 8-byte values above {@code Long.MAX_VALUE} are
 * written as such; {@code flow.start_ns}/{@code flow.end_ns} are signed), other elements as
 * lower-case hex text, {@code flow.options} as {@code true}. NetFlow reports no decimals and no
 * free text, so no value needs escaping. An element a template repeats is written once, with its
 * first value (visitFields reports every repetition): JSON names must be unique.
 * <p>
 * Given a {@link CryptoPan}, every address is written as its Crypto-PAn image: the exporter, the
 * source, destination and next hop, and the IANA address elements reported as {@code ie_}
 * (post-NAT addresses, BGP next hops, an options record's exporter address...), whose images keep
 * the form of the raw value (an integer for 4 bytes, hex text for 16).
 * <p>
 * Nothing is allocated: names are constant byte arrays, numbers and addresses are written digit
 * by digit. Confined to the thread of the parser it reads.
 */
public final class FlowRecordJson
{
    /** Longest value of an integer member: 20 digits, or a sign and 19. */
    static final int INTEGER_MAX_LENGTH = 20;
    /** Longest value of an address member, with its quotes: eight groups of four hex digits and seven colons. */
    static final int ADDRESS_MAX_LENGTH = 41;
    /** Longest {@code ie_} name with its quotes, colon and comma: the longest prefix, a 32-bit enterprise, an id. */
    static final int IE_NAME_MAX_LENGTH = 4 + 24 + 10 + 1 + 5;
    /** Longest member of a fixed name with its comma: the longest name (35) with quotes and colon, and the longest value. */
    static final int NAMED_MEMBER_MAX_LENGTH = 1 + 38 + ADDRESS_MAX_LENGTH;
    /** Most named members of a record and its header: 5 header, the index, 19 flow fields. */
    static final int NAMED_MEMBERS_MAX = 25;

    private static final byte[] VERSION = name("netflow.version");
    private static final byte[] SEQUENCE = name("netflow.sequence");
    private static final byte[] EXPORTER = name("netflow.exporter");
    private static final byte[] OBSERVATION_DOMAIN = name("netflow.observation_domain");
    private static final byte[] SAMPLING_INTERVAL = name("netflow.sampling_interval");
    private static final byte[] RECORD = name("flow.record");
    private static final byte[] IP_VERSION = name("flow.ip_version");
    private static final byte[] SRC = name("flow.src");
    private static final byte[] DST = name("flow.dst");
    private static final byte[] SRC_PORT = name("flow.srcport");
    private static final byte[] DST_PORT = name("flow.dstport");
    private static final byte[] PROTO = name("flow.proto");
    private static final byte[] BYTES = name("flow.bytes");
    private static final byte[] PACKETS = name("flow.packets");
    private static final byte[] TCP_FLAGS = name("flow.tcp_flags");
    private static final byte[] TOS = name("flow.tos");
    private static final byte[] INPUT_IF = name("flow.input_if");
    private static final byte[] OUTPUT_IF = name("flow.output_if");
    private static final byte[] START_NS = name("flow.start_ns");
    private static final byte[] END_NS = name("flow.end_ns");
    private static final byte[] NEXT_HOP = name("flow.next_hop");
    private static final byte[] SRC_AS = name("flow.src_as");
    private static final byte[] DST_AS = name("flow.dst_as");
    private static final byte[] SRC_MASK = name("flow.src_mask");
    private static final byte[] DST_MASK = name("flow.dst_mask");
    private static final byte[] OPTIONS = name("flow.options");
    private static final byte[] OPTION_SAMPLING_INTERVAL = name("netflow.option.sampling_interval");
    private static final byte[] OPTION_SAMPLING_ALGORITHM = name("netflow.option.sampling_algorithm");
    private static final byte[] OPTION_SYSTEM_INIT_MS = name("netflow.option.system_init_ms");
    private static final byte[] FLOW_IE = ascii("\"flow.ie_");
    private static final byte[] OPTION_IE = ascii("\"netflow.option.ie_");
    private static final byte[] OPTION_SCOPE_IE = ascii("\"netflow.option.scope.ie_");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] MAPPED_PREFIX = ascii("::ffff:");
    private static final byte[] HEX = ascii("0123456789abcdef");
    private static final int IPV6_GROUPS = 8;

    private MutableDirectBuffer buffer;
    private int position;
    private int end;
    private boolean first;
    private CryptoPan anonymizer;

    /**
     * An upper bound of what {@link #render} writes for the selected record: a {@code maxLength}
     * at least this never gives -1.
     *
     * @param parser a parser with a record selected.
     * @return bytes.
     */
    public static int lengthBound(final NetflowParser parser)
    {
        int bound = 2 + NAMED_MEMBERS_MAX * NAMED_MEMBER_MAX_LENGTH;
        for (int k = 0; k < parser.fieldCount(); k++)
        {
            bound += IE_NAME_MAX_LENGTH + Math.max(INTEGER_MAX_LENGTH, 2 + 2 * parser.fieldLength(k));
        }
        return bound;
    }

    /**
     * Writes the selected record as one JSON object.
     *
     * @param parser     the parser, with a record selected ({@link NetflowParser#selectRecord}).
     * @param anonymizer writes every address as its Crypto-PAn image; null writes them as they are.
     * @param buffer     where to write.
     * @param offset     where the object starts in {@code buffer}.
     * @param maxLength  the most bytes to write; at least {@link #lengthBound} is always enough.
     * @return the object's length in bytes, or -1 when no record is selected or the object might
     * not fit in {@code maxLength} (what was written up to then is garbage for the caller to drop).
     */
    public int render(
        final NetflowParser parser,
        final CryptoPan anonymizer,
        final MutableDirectBuffer buffer,
        final int offset,
        final int maxLength)
    {
        if (parser.selectedRecord() < 0 || maxLength < 2)
        {
            return -1;
        }
        this.buffer = buffer;
        this.anonymizer = anonymizer;
        position = offset;
        end = (int)Math.min((long)offset + maxLength, Integer.MAX_VALUE);
        first = true;
        buffer.putByte(position++, (byte)'{');

        final boolean fits = header(parser) && (parser.isOptionsRecord() ? optionsRecord(parser) : flowRecord(parser));
        this.buffer = null;
        this.anonymizer = null;
        if (!fits || position >= end)
        {
            return -1;
        }
        buffer.putByte(position++, (byte)'}');
        return position - offset;
    }

    private boolean header(final NetflowParser parser)
    {
        if (!integer(VERSION, parser.version()) || !integer(SEQUENCE, parser.sequence()))
        {
            return false;
        }
        final int exporterVersion = parser.exporterVersion();
        if ((exporterVersion == 4 || exporterVersion == 6) &&
            !address(EXPORTER, exporterVersion, parser.exporterHigh(), parser.exporterLow()))
        {
            return false;
        }
        if (!integer(OBSERVATION_DOMAIN, parser.observationDomain()))
        {
            return false;
        }
        if (parser.version() == NetflowParser.V5 && !integer(SAMPLING_INTERVAL, parser.v5SamplingInterval()))
        {
            return false;
        }
        return integer(RECORD, parser.selectedRecord());
    }

    private boolean flowRecord(final NetflowParser p)
    {
        return present(IP_VERSION, p.ipVersion()) &&
            (p.srcAddressVersion() == 0 || address(SRC, p.srcAddressVersion(), p.srcAddressHigh(), p.srcAddressLow())) &&
            (p.dstAddressVersion() == 0 || address(DST, p.dstAddressVersion(), p.dstAddressHigh(), p.dstAddressLow())) &&
            present(SRC_PORT, p.srcPort()) &&
            present(DST_PORT, p.dstPort()) &&
            present(PROTO, p.protocol()) &&
            present(BYTES, p.bytes()) &&
            present(PACKETS, p.packets()) &&
            present(TCP_FLAGS, p.tcpFlags()) &&
            present(TOS, p.tos()) &&
            present(INPUT_IF, p.inputInterface()) &&
            present(OUTPUT_IF, p.outputInterface()) &&
            (p.startNs() == ABSENT || integer(START_NS, p.startNs())) &&
            (p.endNs() == ABSENT || integer(END_NS, p.endNs())) &&
            (p.nextHopVersion() == 0 || address(NEXT_HOP, p.nextHopVersion(), p.nextHopHigh(), p.nextHopLow())) &&
            present(SRC_AS, p.srcAs()) &&
            present(DST_AS, p.dstAs()) &&
            present(SRC_MASK, p.srcMask()) &&
            present(DST_MASK, p.dstMask()) &&
            elements(p, FLOW_IE, FLOW_IE);
    }

    private boolean optionsRecord(final NetflowParser p)
    {
        if (!startMember(OPTIONS, TRUE.length))
        {
            return false;
        }
        put(TRUE);
        return present(OPTION_SAMPLING_INTERVAL, p.samplingInterval()) &&
            present(OPTION_SAMPLING_ALGORITHM, p.samplingAlgorithm()) &&
            present(OPTION_SYSTEM_INIT_MS, p.systemInitMs()) &&
            elements(p, OPTION_SCOPE_IE, OPTION_IE);
    }

    /** The record's elements with no policy name of their own, as {@code <prefix><enterprise>_<id>}. */
    private boolean elements(final NetflowParser p, final byte[] scopePrefix, final byte[] prefix)
    {
        final int count = p.fieldCount();
        for (int k = 0; k < count; k++)
        {
            final int length = p.fieldLength(k);
            if (p.fieldReported(k) || length == 0)
            {
                continue;
            }
            final long enterprise = p.fieldEnterprise(k);
            final int id = p.fieldId(k);
            final byte[] namePrefix = p.isScopeField(k) ? scopePrefix : prefix;
            if (repeated(p, k, namePrefix, scopePrefix, prefix, enterprise, id))
            {
                continue;
            }
            final boolean hex = length > 8 || p.fieldVariableLength(k);
            if (end - position < IE_NAME_MAX_LENGTH + (hex ? 2 + 2 * length : INTEGER_MAX_LENGTH))
            {
                return false;
            }
            if (!first)
            {
                buffer.putByte(position++, (byte)',');
            }
            first = false;
            put(namePrefix);
            position += buffer.putNaturalLongAscii(position, enterprise);
            buffer.putByte(position++, (byte)'_');
            position += buffer.putNaturalIntAscii(position, id);
            buffer.putByte(position++, (byte)'"');
            buffer.putByte(position++, (byte)':');

            final boolean anonymize = null != anonymizer && (length == 4 || length == 16) &&
                InformationElements.isAddress(enterprise, id);
            if (!hex)
            {
                long value = p.fieldValue(k);
                if (anonymize)
                {
                    value = anonymizer.anonymizeIpv4((int)value) & 0xFFFF_FFFFL;
                }
                putUnsigned(value);
            }
            else if (anonymize)
            {
                buffer.putByte(position++, (byte)'"');
                if (length == 4)
                {
                    putHex(anonymizer.anonymizeIpv4((int)p.fieldValue(k)) & 0xFFFF_FFFFL, 8);
                }
                else
                {
                    long high = 0;
                    for (int i = 0; i < 8; i++)
                    {
                        high = (high << 8) | p.fieldByte(k, i);
                    }
                    anonymizer.anonymizeIpv6(high, p.fieldValue(k));
                    putHex(anonymizer.resultHigh(), 16);
                    putHex(anonymizer.resultLow(), 16);
                }
                buffer.putByte(position++, (byte)'"');
            }
            else
            {
                buffer.putByte(position++, (byte)'"');
                for (int i = 0; i < length; i++)
                {
                    final int b = p.fieldByte(k, i);
                    buffer.putByte(position++, HEX[b >>> 4]);
                    buffer.putByte(position++, HEX[b & 0xF]);
                }
                buffer.putByte(position++, (byte)'"');
            }
        }
        return true;
    }

    /**
     * Whether an earlier field of the record is written under the same name: JSON names must be
     * unique (a reader may keep either value, or refuse the object), so an element a template
     * repeats (paddingOctets often) is written once, with its first value, as {@link NetflowParser#value}
     * reads it. Templates are short: the quadratic scan costs less than a lookup table would.
     */
    private static boolean repeated(
        final NetflowParser p,
        final int k,
        final byte[] namePrefix,
        final byte[] scopePrefix,
        final byte[] prefix,
        final long enterprise,
        final int id)
    {
        for (int j = 0; j < k; j++)
        {
            if (p.fieldId(j) == id && p.fieldEnterprise(j) == enterprise && !p.fieldReported(j) && p.fieldLength(j) != 0 &&
                (p.isScopeField(j) ? scopePrefix : prefix) == namePrefix)
            {
                return true;
            }
        }
        return false;
    }

    /** A member whose value the parser marks {@link NetflowParser#ABSENT} when the record lacks it. */
    private boolean present(final byte[] name, final long value)
    {
        return value == ABSENT || unsigned(name, value);
    }

    private boolean unsigned(final byte[] name, final long value)
    {
        if (!startMember(name, INTEGER_MAX_LENGTH))
        {
            return false;
        }
        putUnsigned(value);
        return true;
    }

    private boolean integer(final byte[] name, final long value)
    {
        if (!startMember(name, INTEGER_MAX_LENGTH))
        {
            return false;
        }
        position += buffer.putLongAscii(position, value);
        return true;
    }

    private boolean address(final byte[] name, final int version, final long high, final long low)
    {
        if (!startMember(name, ADDRESS_MAX_LENGTH))
        {
            return false;
        }
        buffer.putByte(position++, (byte)'"');
        if (version == 4)
        {
            final long address = null == anonymizer ? low : anonymizer.anonymizeIpv4((int)low) & 0xFFFF_FFFFL;
            putIpv4(address);
        }
        else if (null == anonymizer)
        {
            putIpv6(high, low);
        }
        else
        {
            anonymizer.anonymizeIpv6(high, low);
            putIpv6(anonymizer.resultHigh(), anonymizer.resultLow());
        }
        buffer.putByte(position++, (byte)'"');
        return true;
    }

    /** Writes the comma and name of a member if the member fits with a value of at most {@code valueMaxLength}. */
    private boolean startMember(final byte[] name, final int valueMaxLength)
    {
        if (end - position < 1 + name.length + valueMaxLength)
        {
            return false;
        }
        if (!first)
        {
            buffer.putByte(position++, (byte)',');
        }
        first = false;
        put(name);
        return true;
    }

    private void put(final byte[] bytes)
    {
        buffer.putBytes(position, bytes);
        position += bytes.length;
    }

    private void putUnsigned(final long value)
    {
        if (value >= 0)
        {
            position += buffer.putNaturalLongAscii(position, value);
            return;
        }
        // Above Long.MAX_VALUE: divide by ten without the sign bit, then append the last digit.
        final long quotient = (value >>> 1) / 5;
        position += buffer.putNaturalLongAscii(position, quotient);
        buffer.putByte(position++, (byte)('0' + (value - quotient * 10)));
    }

    private void putHex(final long value, final int digits)
    {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        {
            buffer.putByte(position++, HEX[(int)(value >>> shift) & 0xF]);
        }
    }

    private void putIpv4(final long address)
    {
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            position += buffer.putNaturalIntAscii(position, (int)(address >>> shift) & 0xFF);
            if (shift != 0)
            {
                buffer.putByte(position++, (byte)'.');
            }
        }
    }

    /** RFC 5952: lower-case hex, no leading zeros, the first longest run of two or more zero groups as {@code ::}. */
    private void putIpv6(final long high, final long low)
    {
        if (high == 0 && (low >>> 32) == 0xFFFF)
        {
            put(MAPPED_PREFIX);
            putIpv4(low & 0xFFFF_FFFFL);
            return;
        }
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < IPV6_GROUPS; )
        {
            if (group(high, low, i) != 0)
            {
                i++;
                continue;
            }
            int j = i;
            while (j < IPV6_GROUPS && group(high, low, j) == 0)
            {
                j++;
            }
            if (j - i > runLength)
            {
                runStart = i;
                runLength = j - i;
            }
            i = j;
        }
        int i = 0;
        while (i < IPV6_GROUPS)
        {
            if (i == runStart)
            {
                buffer.putByte(position++, (byte)':');
                buffer.putByte(position++, (byte)':');
                i += runLength;
                continue;
            }
            if (i > 0 && i != runStart + runLength)
            {
                buffer.putByte(position++, (byte)':');
            }
            final int group = group(high, low, i);
            int shift = 12;
            while (shift > 0 && ((group >>> shift) & 0xF) == 0)
            {
                shift -= 4;
            }
            for (; shift >= 0; shift -= 4)
            {
                buffer.putByte(position++, HEX[(group >>> shift) & 0xF]);
            }
            i++;
        }
    }

    private static int group(final long high, final long low, final int index)
    {
        final long half = index < 4 ? high : low;
        return (int)(half >>> (48 - 16 * (index & 3))) & 0xFFFF;
    }

    private static byte[] name(final String name)
    {
        return ascii("\"" + name + "\":");
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
