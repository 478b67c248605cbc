package dev.sluice.perf.source;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.afpacket.AfPacketSender;
import dev.sluice.dataplane.source.afpacket.AfPacketSettings;
import dev.sluice.dataplane.source.afpacket.AfPacketSource;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Packets per second per core of the AF_PACKET receive loop plus the packet decoder, against
 * the same decode loop over {@link CaptureFileSource} of the same packets in the same run.
 * <p>
 * {@code perf/run-af-packet.sh} makes the veth pair and runs this; by hand:
 * {@code AfPacketReceiveMain RX_INTERFACE NAMESPACE TX_INTERFACE [SECONDS] [PACKETS]}.
 * <p>
 * The live run is made twice, with two injectors (an {@link AfPacketSender} in the namespace, on
 * its own thread): {@code send} makes one syscall per frame; {@code tx-ring} queues frames into a
 * {@code PACKET_TX_RING} and flushes each burst with one syscall. Either may limit the rate that
 * reaches the ring, so the receiver may be idle much of the time.
 * "Per core" is therefore measured over the receiver's busy time only: wall time of the polls
 * that returned packets, with their decode and release; idle polls are not counted. The
 * injector's own rate is printed next to it.
 */
public final class AfPacketReceiveMain
{
    private static final int BURST = 256;
    private static final int TX_RING_FRAMES = 1024;
    /** The veth's MTU of 9000 plus the Ethernet header: any frame the capture can hold. */
    private static final int MAX_FRAME_BYTES = 9014;

    private AfPacketReceiveMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length < 3)
        {
            System.err.println("usage: AfPacketReceiveMain RX_INTERFACE NAMESPACE TX_INTERFACE [SECONDS] [PACKETS]");
            System.exit(2);
        }
        final String rxInterface = args[0];
        final String namespace = args[1];
        final String txInterface = args[2];
        final int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        final int packets = args.length > 4 ? Integer.parseInt(args[4]) : 100_000;

        final Path capture = Files.createTempFile("sluice-afpacket-perf", ".pcap");
        try
        {
            final DemoTraffic.Summary traffic = DemoTraffic.write(capture, packets, DemoTraffic.DEFAULT_SEED);
            System.out.printf(Locale.ROOT, "traffic: %,d demo packets, %,d bytes%n", traffic.packets(), Files.size(capture));
            final double[] baselines = captureFileBaseline(capture, seconds);
            final double baseline = baselines[0];
            final double baselineCpu = baselines[1];
            final double live = afPacketRun(capture, rxInterface, namespace, txInterface, seconds, false);
            final double liveTxRing = afPacketRun(capture, rxInterface, namespace, txInterface, seconds, true);
            final double drained = afPacketDrainRun(capture, rxInterface, namespace, txInterface);
            System.out.printf(Locale.ROOT, "ratio af-packet / capture-file, live, send() injector (per busy core-second): %.2f%n",
                live / baseline);
            System.out.printf(Locale.ROOT, "ratio af-packet / capture-file, live, tx-ring injector (per busy core-second): %.2f%n",
                liveTxRing / baseline);
            System.out.printf(Locale.ROOT, "ratio af-packet / capture-file, draining a filled ring (per CPU-second): %.2f%n",
                drained / baselineCpu);
        }
        finally
        {
            Files.deleteIfExists(capture);
        }
    }

    /** The same decode loop over the capture mapped in memory; returns packets per wall second and per CPU second. */
    private static double[] captureFileBaseline(final Path capture, final int seconds) throws Exception
    {
        final PacketDecoder decoder = new PacketDecoder();
        final PacketBurst burst = new PacketBurst(BURST, 1);
        try (CaptureFileSource source = CaptureFileSource.open(capture))
        {
            final long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < warmupEnd)
            {
                loopOnce(source, decoder, burst);
            }
            final long cpuStart = threadCpuNs();
            final long start = System.nanoTime();
            final long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long received = 0;
            while (System.nanoTime() < end)
            {
                received += loopOnce(source, decoder, burst);
            }
            final long elapsed = System.nanoTime() - start;
            final long cpu = threadCpuNs() - cpuStart;
            final double perCore = received * 1e9 / elapsed;
            System.out.printf(Locale.ROOT, "capture-file: %,d packets in %.2f s (cpu %.2f s): %,.0f packets/s per core " +
                "(wall), %,.0f per CPU-second, %.1f ns/packet%n", received, elapsed / 1e9, cpu / 1e9, perCore,
                received * 1e9 / cpu, elapsed / (double)received);
            return new double[] {perCore, received * 1e9 / cpu};
        }
    }

    private static int loopOnce(final CaptureFileSource source, final PacketDecoder decoder, final PacketBurst burst)
    {
        int n = source.poll(burst);
        if (n == 0)
        {
            source.rewind();
            n = source.poll(burst);
        }
        decoder.decode(burst);
        source.release(burst);
        return n;
    }

    private static double afPacketRun(
        final Path capture,
        final String rxInterface,
        final String namespace,
        final String txInterface,
        final int seconds,
        final boolean txRing)
        throws Exception
    {
        final String injectorName = txRing ? "tx-ring" : "send";
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sent = new AtomicLong();
        final AtomicLong sendFailures = new AtomicLong();
        final AtomicLong injectorCpuNs = new AtomicLong();
        try (AfPacketSource source = AfPacketSource.open(new AfPacketSettings().interfaceName(rxInterface));
            AfPacketSender sender = txRing ?
                AfPacketSender.openWithTxRing(namespace, txInterface, TX_RING_FRAMES, MAX_FRAME_BYTES) :
                AfPacketSender.open(namespace, txInterface))
        {
            final Thread injector = new Thread(() -> inject(capture, sender, running, sent, sendFailures, injectorCpuNs),
                "af-packet-perf-injector");
            injector.start();
            final PacketDecoder decoder = new PacketDecoder();
            final PacketBurst burst = new PacketBurst(BURST, 1);

            final long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < warmupEnd)
            {
                if (source.poll(burst) > 0)
                {
                    decoder.decode(burst);
                }
                source.release(burst);
            }
            source.refreshKernelStatistics();
            final long kernelPacketsBefore = source.kernelPackets();
            final long kernelDropsBefore = source.kernelDrops();
            final long sentBefore = sent.get();
            final long start = System.nanoTime();
            final long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long busyNs = 0;
            long received = 0;
            long now = start;
            while (now < end)
            {
                final int n = source.poll(burst);
                if (n > 0)
                {
                    decoder.decode(burst);
                    source.release(burst);
                    final long after = System.nanoTime();
                    busyNs += after - now;
                    received += n;
                    now = after;
                }
                else
                {
                    Thread.onSpinWait();
                    now = System.nanoTime();
                }
            }
            final long elapsed = System.nanoTime() - start;
            final long sentDuring = sent.get() - sentBefore;
            running.set(false);
            injector.join();
            source.refreshKernelStatistics();
            final double perCore = received * 1e9 / busyNs;
            System.out.printf(Locale.ROOT, "injector %s: %,d frames in %.2f s: %,.0f frames/s (%s, " +
                "%,d refused by a full queue)%n", injectorName, sentDuring, elapsed / 1e9, sentDuring * 1e9 / elapsed,
                txRing ? "a " + sender.txRingFrames() + "-slot TX ring, one send() per burst of " + BURST : "one send() per frame",
                sendFailures.get());
            System.out.printf(Locale.ROOT, "af-packet (%s injector): %,d packets received in %.2f s (%,.0f packets/s wall), busy %.2f s: " +
                    "%,.0f packets/s per core, %.1f ns/packet; ring drops %,d of %,d packets the kernel passed%n",
                injectorName, received, elapsed / 1e9, received * 1e9 / elapsed, busyNs / 1e9, perCore,
                busyNs / (double)received,
                source.kernelDrops() - kernelDropsBefore, source.kernelPackets() - kernelPacketsBefore);
            return perCore;
        }
    }

    /**
     * Fills a large ring with no reader (the injector's pace does not matter), then drains it
     * with poll + decode + release and nothing else running on this thread: the receive loop's
     * own cost, as packets per CPU-second of the draining thread.
     */
    private static double afPacketDrainRun(
        final Path capture, final String rxInterface, final String namespace, final String txInterface) throws Exception
    {
        final int rounds = 10;
        final int framesPerRound = 250_000;
        final AfPacketSettings settings = new AfPacketSettings().interfaceName(rxInterface).blockCount(384);
        long received = 0;
        long cpuNs = 0;
        long wallNs = 0;
        long pairedCpuNs = 0;
        try (AfPacketSource source = AfPacketSource.open(settings);
            AfPacketSender sender = AfPacketSender.open(namespace, txInterface);
            CaptureFileSource frames = CaptureFileSource.open(capture);
            CaptureFileSource paired = CaptureFileSource.open(capture))
        {
            final PacketDecoder decoder = new PacketDecoder();
            final PacketBurst burst = new PacketBurst(BURST, 1);
            final PacketBurst sendBurst = new PacketBurst(BURST, 1);
            for (int round = 0; round <= rounds; round++)
            {
                int sent = 0;
                while (sent < framesPerRound)
                {
                    int n = frames.poll(sendBurst);
                    if (n == 0)
                    {
                        frames.rewind();
                        n = frames.poll(sendBurst);
                    }
                    for (int i = 0; i < n; i++)
                    {
                        sender.send(sendBurst.data[i], sendBurst.offset[i], sendBurst.capturedLength[i]);
                    }
                    sent += n;
                }
                Thread.sleep(50); // the last block retires after retire-timeout-ms
                final long cpuStart = threadCpuNs();
                final long start = System.nanoTime();
                long roundReceived = 0;
                int n;
                while ((n = source.poll(burst)) > 0)
                {
                    decoder.decode(burst);
                    source.release(burst);
                    roundReceived += n;
                }
                source.release(burst);
                final long roundWallNs = System.nanoTime() - start;
                final long roundCpuNs = threadCpuNs() - cpuStart;
                // The baseline loop over as many packets right after, so both see the same load on a shared machine.
                final long pairedStart = threadCpuNs();
                long pairedPackets = 0;
                while (pairedPackets < roundReceived)
                {
                    pairedPackets += loopOnce(paired, decoder, burst);
                }
                final long roundPairedCpuNs = (threadCpuNs() - pairedStart) * roundReceived / Math.max(1, pairedPackets);
                if (round > 0) // round 0 warms up
                {
                    wallNs += roundWallNs;
                    cpuNs += roundCpuNs;
                    pairedCpuNs += roundPairedCpuNs;
                    received += roundReceived;
                }
            }
            source.refreshKernelStatistics();
            final double perCpuSecond = received * 1e9 / cpuNs;
            System.out.printf(Locale.ROOT, "af-packet drain: %,d packets from a filled %d MiB ring in %.3f s wall, %.3f s " +
                    "cpu: %,.0f packets per CPU-second, %.1f ns/packet; ring drops %,d%n", received,
                settings.ringSizeBytes() >> 20, wallNs / 1e9, cpuNs / 1e9, perCpuSecond, cpuNs / (double)received,
                source.kernelDrops());
            System.out.printf(Locale.ROOT, "capture-file paired with each drain round: %,.0f packets per CPU-second, " +
                "%.1f ns/packet; ratio af-packet drain / paired capture-file: %.2f%n", received * 1e9 / pairedCpuNs,
                pairedCpuNs / (double)received, pairedCpuNs / (double)cpuNs);
            return perCpuSecond;
        }
    }

    private static void inject(
        final Path capture,
        final AfPacketSender sender,
        final AtomicBoolean running,
        final AtomicLong sent,
        final AtomicLong failures,
        final AtomicLong cpuNs)
    {
        final PacketBurst burst = new PacketBurst(BURST, 1);
        try (CaptureFileSource frames = CaptureFileSource.open(capture))
        {
            while (running.get())
            {
                int n = frames.poll(burst);
                if (n == 0)
                {
                    frames.rewind();
                    n = frames.poll(burst);
                }
                long ok = 0;
                for (int i = 0; i < n; i++)
                {
                    if (sender.send(burst.data[i], burst.offset[i], burst.capturedLength[i]))
                    {
                        ok++;
                    }
                    else
                    {
                        failures.incrementAndGet();
                    }
                }
                while (!sender.flush())
                {
                    Thread.onSpinWait();
                }
                sent.addAndGet(ok);
            }
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
        cpuNs.set(threadCpuNs());
    }

    private static long threadCpuNs()
    {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
