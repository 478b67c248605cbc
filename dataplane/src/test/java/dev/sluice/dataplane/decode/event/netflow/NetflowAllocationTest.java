package dev.sluice.dataplane.decode.event.netflow;

import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.decode.event.netflow.NetflowCaptures.Datagram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;


/**
 * Parsing NetFlow allocates nothing per datagram: after a warm-up, whole passes over every
 * datagram of the shared data (Graylog's pcaps and every Logstash and Graylog raw payload, each
 * from an exporter of its own, templates re-learned as the template datagrams come round again),
 * off-heap as the ingest ring holds them, with every record selected and every accessor read,
 * leave the thread's allocated-bytes counter where it was.
 */
class NetflowAllocationTest
{
    private static final int WARM_UP_DATAGRAMS = 300_000;
    private static final int MEASURED_DATAGRAMS = 200_000;
    private static final int MEASURED_WINDOWS = 3;

    private static long checksum;


    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void steadyStateParsingAllocatesNothing() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final Corpus corpus = Corpus.load(arena);
            final NetflowParser parser = new NetflowParser();

            new AllocationProbe("netflow parse + select + every accessor", WARM_UP_DATAGRAMS, MEASURED_DATAGRAMS, MEASURED_WINDOWS).assertNoAllocation(() -> pass(corpus, parser));
        }
    }

    static long pass(final Corpus corpus, final NetflowParser parser)
    {
        for (int d = 0; d < corpus.count(); d++)
        {
            parser.exporter(4, 0, corpus.exporter[d], 2055).receivedAt(corpus.receivedNs[d]);
            if (parser.parse(corpus.segment[d], 0, (int)corpus.segment[d].byteSize()))
            {
                final int records = parser.recordCount();
                for (int i = 0; i < records; i++)
                {
                    if (parser.selectRecord(i))
                    {
                        checksum += readEveryField(parser);
                    }
                }
            }
            else
            {
                checksum += parser.rejectOffset();
            }
        }
        return corpus.count();
    }

    /** Every accessor, as the classify stage may call them, summed so that none is optimised away. */
    static long readEveryField(final NetflowParser p)
    {
        long sum = p.srcAddressVersion() + p.srcAddressHigh() + p.srcAddressLow() + p.dstAddressVersion() +
            p.dstAddressHigh() + p.dstAddressLow() + p.nextHopVersion() + p.nextHopHigh() + p.nextHopLow() + p.srcPort() +
            p.dstPort() + p.protocol() + p.bytes() + p.packets() + p.tcpFlags() + p.tos() + p.inputInterface() +
            p.outputInterface() + p.srcAs() + p.dstAs() + p.srcMask() + p.dstMask() + p.ipVersion() + p.startNs() +
            p.endNs() + p.samplingInterval() + p.samplingAlgorithm() + p.systemInitMs() + p.templateId() +
            (p.isOptionsRecord() ? 1 : 0) + p.value(0, 1);
        for (int k = 0; k < p.fieldCount(); k++)
        {
            sum += p.fieldValue(k) + p.fieldId(k) + p.fieldEnterprise(k) + p.fieldLength(k);
        }
        return sum;
    }

    /** Every shared datagram, off-heap, in the order each exporter sent them, with its exporter and receive time. */
    static final class Corpus
    {
        final MemorySegment[] segment;
        final long[] exporter;
        final long[] receivedNs;
        long records;

        private Corpus(final int count)
        {
            segment = new MemorySegment[count];
            exporter = new long[count];
            receivedNs = new long[count];
        }

        int count()
        {
            return segment.length;
        }

        static Corpus load(final Arena arena) throws IOException
        {
            final List<Datagram> datagrams = new ArrayList<>();
            try (Stream<Path> files = Files.list(NetflowCaptures.graylog("")))
            {
                for (final Path capture : files.filter(p -> p.toString().endsWith(".pcap")).sorted().toList())
                {
                    datagrams.addAll(NetflowCaptures.udpPayloads(capture));
                }
            }
            final long exporter = 0x0A01_0001L;
            try (Stream<Path> files = Files.list(NetflowCaptures.logstash("")))
            {
                // One exporter, template files first: where two vendors use the same template id the later
                // template replaces the earlier, which changes values, not the parse path measured here.
                final List<Path> all = files.filter(p -> p.toString().endsWith(".dat")).sorted().toList();
                final List<Path> ordered = new ArrayList<>(all.stream().filter(p -> p.toString().contains("tpl")).toList());
                ordered.addAll(all.stream().filter(p -> !p.toString().contains("tpl")).toList());
                for (final Path file : ordered)
                {
                    datagrams.add(new Datagram(0, 4, 0, exporter, 2055, 0, Files.readAllBytes(file)));
                }
            }
            final Corpus corpus = new Corpus(datagrams.size());
            final NetflowParser counter = new NetflowParser();
            for (int d = 0; d < datagrams.size(); d++)
            {
                final Datagram datagram = datagrams.get(d);
                final MemorySegment segment = arena.allocate(datagram.payload().length);
                MemorySegment.copy(datagram.payload(), 0, segment, ValueLayout.JAVA_BYTE, 0, datagram.payload().length);
                corpus.segment[d] = segment;
                corpus.exporter[d] = datagram.low();
                corpus.receivedNs[d] = NetflowCaptures.FIRST_TIMESTAMP_NS;
                if (datagram.parse(counter))
                {
                    corpus.records += counter.recordCount();
                }
            }
            return corpus;
        }
    }
}
