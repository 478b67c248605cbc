package dev.sluice.perf.event;

import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * NetFlow/IPFIX parse throughput per core, reported per flow record: {@value #DATAGRAMS}
 * export datagrams of {@value #RECORDS} records each, generated here (random addresses, ports,
 * counters) and held off-heap as the ingest ring holds them, are parsed in turn; every record is
 * selected and the fields a flow policy reads (addresses, ports, protocol, bytes, packets, start
 * and end) are summed.
 * <ul>
 *   <li>{@code v5}: fixed 48-byte records;</li>
 *   <li>{@code v9}: a template of 18 fields (IPv4 5-tuple, counters, interfaces, uptimes, next hop,
 *       AS numbers, masks, ToS, flags), learned once in setup; 49-byte records;</li>
 *   <li>{@code ipfix}: a template of 19 fields with flowStart/EndMilliseconds, 64-bit counters and
 *       one enterprise element, learned once; 71-byte records;</li>
 *   <li>{@code ipfix-varlen}: the same plus a variable-length enterprise string (8-24 bytes), so the
 *       records must be walked field by field.</li>
 * </ul>
 * Bytes per record are printed at setup, to turn records/s into MB/s.
 * Run: {@code perf/run-jmh.sh NetflowParseBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class NetflowParseBenchmark
{
    static final int DATAGRAMS = 64;
    static final int RECORDS = 24;
    private static final long EXPORTER = 0x0A00_0001L;
    private static final long RECEIVED_NS = 1_700_000_000_000_000_000L;

    @Param({"v5", "v9", "ipfix", "ipfix-varlen"})
    public String format;

    private Arena arena;
    private final MemorySegment[] datagrams = new MemorySegment[DATAGRAMS];
    private final NetflowParser parser = new NetflowParser();

    @Setup
    public void setUp()
    {
        arena = Arena.ofConfined();
        final SplittableRandom random = new SplittableRandom(7);
        long bytes = 0;
        for (int d = 0; d < DATAGRAMS; d++)
        {
            final byte[] datagram = switch (format)
            {
                case "v5" -> v5(random);
                case "v9" -> v9(random, false);
                case "ipfix" -> ipfix(random, false, false);
                case "ipfix-varlen" -> ipfix(random, false, true);
                default -> throw new IllegalArgumentException("format: " + format);
            };
            datagrams[d] = arena.allocate(datagram.length);
            MemorySegment.copy(datagram, 0, datagrams[d], ValueLayout.JAVA_BYTE, 0, datagram.length);
            bytes += datagram.length;
        }
        final byte[] template = switch (format)
        {
            case "v9" -> v9(random, true);
            case "ipfix" -> ipfix(random, true, false);
            case "ipfix-varlen" -> ipfix(random, true, true);
            default -> null;
        };
        if (null != template)
        {
            parse(MemorySegment.ofArray(template));
        }
        for (final MemorySegment datagram : datagrams)
        {
            if (parse(datagram) != RECORDS)
            {
                throw new IllegalStateException(format + ": a generated datagram did not give " + RECORDS + " records: " +
                    parser.rejectReason() + "@" + parser.rejectOffset());
            }
        }
        System.out.printf("%n%s: %.1f bytes per record (datagram bytes / records)%n", format,
            (double)bytes / (DATAGRAMS * RECORDS));
    }

    @TearDown
    public void tearDown()
    {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(DATAGRAMS * RECORDS)
    public long parseAndRead()
    {
        long sum = 0;
        for (final MemorySegment datagram : datagrams)
        {
            parser.exporter(4, 0, EXPORTER, 2055).receivedAt(RECEIVED_NS);
            if (parser.parse(datagram, 0, (int)datagram.byteSize()))
            {
                final int records = parser.recordCount();
                for (int i = 0; i < records; i++)
                {
                    if (parser.selectRecord(i))
                    {
                        sum += parser.srcAddressLow() + parser.dstAddressLow() + parser.srcPort() + parser.dstPort() +
                            parser.protocol() + parser.bytes() + parser.packets() + parser.startNs() + parser.endNs();
                    }
                }
            }
        }
        return sum;
    }

    private int parse(final MemorySegment datagram)
    {
        parser.exporter(4, 0, EXPORTER, 2055).receivedAt(RECEIVED_NS);
        return parser.parse(datagram, 0, (int)datagram.byteSize()) ? parser.recordCount() : -1;
    }

    static byte[] v5(final SplittableRandom random)
    {
        final ByteBuffer out = ByteBuffer.allocate(24 + RECORDS * 48);
        out.putShort((short)5).putShort((short)RECORDS).putInt(3_600_000).putInt(1_700_000_000).putInt(0)
            .putInt(random.nextInt()).putShort((short)0).putShort((short)0);
        for (int r = 0; r < RECORDS; r++)
        {
            out.putInt(random.nextInt()).putInt(random.nextInt()).putInt(random.nextInt())
                .putShort((short)random.nextInt(16)).putShort((short)random.nextInt(16))
                .putInt(random.nextInt(1, 1000)).putInt(random.nextInt(40, 1_500_000))
                .putInt(3_500_000 + random.nextInt(50_000)).putInt(3_590_000 + random.nextInt(10_000))
                .putShort((short)random.nextInt(65536)).putShort((short)random.nextInt(65536))
                .put((byte)0).put((byte)random.nextInt(64)).put((byte)(random.nextBoolean() ? 6 : 17)).put((byte)0)
                .putShort((short)random.nextInt(65536)).putShort((short)random.nextInt(65536))
                .put((byte)24).put((byte)24).putShort((short)0);
        }
        return out.array();
    }

    /** The v9 template: (type, length) pairs. */
    private static final int[] V9_FIELDS = {
        8, 4, 12, 4, 7, 2, 11, 2, 4, 1, 1, 4, 2, 4, 10, 4, 14, 4, 22, 4, 21, 4, 15, 4, 16, 2, 17, 2, 9, 1, 13, 1, 5, 1,
        6, 1};

    static byte[] v9(final SplittableRandom random, final boolean template)
    {
        final ByteBuffer out = ByteBuffer.allocate(20 + 4 + 4 + V9_FIELDS.length * 2 + 4 + RECORDS * 49 + 4);
        out.putShort((short)9).putShort((short)(template ? 1 : RECORDS)).putInt(3_600_000).putInt(1_700_000_000)
            .putInt(random.nextInt()).putInt(1);
        if (template)
        {
            out.putShort((short)0).putShort((short)(8 + V9_FIELDS.length * 2)).putShort((short)256)
                .putShort((short)(V9_FIELDS.length / 2));
            for (final int value : V9_FIELDS)
            {
                out.putShort((short)value);
            }
            return java.util.Arrays.copyOf(out.array(), out.position());
        }
        final int setLength = 4 + RECORDS * 49;
        final int padding = (4 - setLength % 4) % 4;
        out.putShort((short)256).putShort((short)(setLength + padding));
        for (int r = 0; r < RECORDS; r++)
        {
            out.putInt(random.nextInt()).putInt(random.nextInt()).putShort((short)random.nextInt(65536))
                .putShort((short)random.nextInt(65536)).put((byte)(random.nextBoolean() ? 6 : 17))
                .putInt(random.nextInt(40, 1_500_000)).putInt(random.nextInt(1, 1000)).putInt(random.nextInt(16))
                .putInt(random.nextInt(16)).putInt(3_500_000 + random.nextInt(50_000))
                .putInt(3_590_000 + random.nextInt(10_000)).putInt(random.nextInt())
                .putShort((short)random.nextInt(65536)).putShort((short)random.nextInt(65536))
                .put((byte)24).put((byte)24).put((byte)0).put((byte)random.nextInt(64));
        }
        out.put(new byte[padding]);
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    /** The IPFIX template: (element id, length) pairs; 0x8000 marks enterprise 9 (Cisco), 65535 variable length. */
    private static final int[] IPFIX_FIELDS = {
        8, 4, 12, 4, 7, 2, 11, 2, 4, 1, 1, 8, 2, 8, 10, 4, 14, 4, 152, 8, 153, 8, 15, 4, 16, 4, 17, 4, 9, 1, 13, 1, 5, 1,
        6, 1, 0x8000 | 12235, 2};

    static byte[] ipfix(final SplittableRandom random, final boolean template, final boolean variable)
    {
        final ByteBuffer out = ByteBuffer.allocate(16 + 8 + IPFIX_FIELDS.length * 2 + 16 + RECORDS * 100);
        out.putShort((short)10).putShort((short)0).putInt(1_700_000_000).putInt(random.nextInt()).putInt(1);
        if (template)
        {
            final int fields = IPFIX_FIELDS.length / 2 + (variable ? 1 : 0);
            final int length = 8 + IPFIX_FIELDS.length * 2 + 4 + (variable ? 8 : 0);
            out.putShort((short)2).putShort((short)length).putShort((short)(variable ? 257 : 256)).putShort((short)fields);
            for (int i = 0; i < IPFIX_FIELDS.length; i += 2)
            {
                out.putShort((short)IPFIX_FIELDS[i]).putShort((short)IPFIX_FIELDS[i + 1]);
                if ((IPFIX_FIELDS[i] & 0x8000) != 0)
                {
                    out.putInt(9);
                }
            }
            if (variable)
            {
                out.putShort((short)(0x8000 | 12236)).putShort((short)0xFFFF).putInt(9);
            }
        }
        else
        {
            final int setStart = out.position();
            out.putShort((short)(variable ? 257 : 256)).putShort((short)0);
            for (int r = 0; r < RECORDS; r++)
            {
                final long start = 1_700_000_000_000L - random.nextInt(60_000);
                out.putInt(random.nextInt()).putInt(random.nextInt()).putShort((short)random.nextInt(65536))
                    .putShort((short)random.nextInt(65536)).put((byte)(random.nextBoolean() ? 6 : 17))
                    .putLong(random.nextInt(40, 1_500_000)).putLong(random.nextInt(1, 1000)).putInt(random.nextInt(16))
                    .putInt(random.nextInt(16)).putLong(start).putLong(start + random.nextInt(60_000))
                    .putInt(random.nextInt()).putInt(random.nextInt()).putInt(random.nextInt())
                    .put((byte)24).put((byte)24).put((byte)0).put((byte)random.nextInt(64))
                    .putShort((short)random.nextInt(65536));
                if (variable)
                {
                    final int length = random.nextInt(8, 25);
                    out.put((byte)length);
                    for (int i = 0; i < length; i++)
                    {
                        out.put((byte)('a' + random.nextInt(26)));
                    }
                }
            }
            out.putShort(setStart + 2, (short)(out.position() - setStart));
        }
        out.putShort(2, (short)out.position());
        return java.util.Arrays.copyOf(out.array(), out.position());
    }
}
