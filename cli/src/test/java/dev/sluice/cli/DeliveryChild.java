package dev.sluice.cli;

import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.egress.StreamSpool;
import dev.sluice.protocol.Channels;
import dev.sluice.regional.RegionalCore;
import dev.sluice.regional.RegionalCoreContext;
import dev.sluice.regional.RegionalCounter;
import dev.sluice.spool.FsyncPolicy;
import dev.sluice.spool.OverflowRule;
import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A gateway or a regional core in a process of its own, with an embedded media driver, for the
 * kill -9 tests of {@link DeliveryKillTest}. It reports its progress on stdout, one line at a time,
 * flushed, so a SIGKILL can cut it at any point and the lines before stand.
 * <pre>
 *   core    output-dir aeron-dir channel region ack-stream
 *   gateway state-dir  aeron-dir channel region capture policy pace-ms finish(true|false)
 * </pre>
 */
public final class DeliveryChild
{
    private DeliveryChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                .aeronDirectoryName(args[2])
                .threadingMode(ThreadingMode.SHARED)
                .imageLivenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))
                .publicationConnectionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())))
        {
            if ("core".equals(args[0]))
            {
                core(aeron, Path.of(args[1]), args[3], args[4], Integer.parseInt(args[5]));
            }
            else
            {
                gateway(aeron, Path.of(args[1]), args[3], args[4], Path.of(args[5]), Path.of(args[6]),
                    Long.parseLong(args[7]), Boolean.parseBoolean(args[8]));
            }
        }
    }

    private static void core(final Aeron aeron, final Path output, final String channel, final String region, final int ackStream)
        throws InterruptedException
    {
        final RegionalCore core = new RegionalCore(new RegionalCoreContext()
            .aeron(aeron)
            .regionName(region)
            .channel(channel)
            .streamId(1001)
            .ackStreamId(ackStream)
            .outputDir(output)
            .ackIntervalNs(TimeUnit.MILLISECONDS.toNanos(1))
            .ackRepeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(50)));
        long reportAt = 0;
        while (true)
        {
            if (core.doWork() == 0)
            {
                Thread.sleep(0, 200_000);
            }
            final long now = System.nanoTime();
            if (now >= reportAt)
            {
                reportAt = now + TimeUnit.MILLISECONDS.toNanos(5);
                System.out.println("core batches=" + core.counters().get(RegionalCounter.BATCHES) +
                    " duplicates=" + core.counters().get(RegionalCounter.DUPLICATES) +
                    " forces=" + core.counters().get(RegionalCounter.DURABLE_FORCES));
                System.out.flush();
            }
        }
    }

    private static void gateway(
        final Aeron aeron,
        final Path state,
        final String channel,
        final String region,
        final Path capture,
        final Path policy,
        final long paceMs,
        final boolean finish) throws Exception
    {
        final GatewayContext context = new GatewayContext()
            .aeron(aeron)
            .gatewayId(DeliveryKillTest.GATEWAY_ID)
            .site("lab-1")
            .region(region)
            .controlInboundChannel("aeron:ipc?alias=unused-control")
            .policyPushChannel("aeron:ipc?alias=unused-push")
            .captureFile(capture)
            .stateDirectory(state)
            .bootstrapPolicyFile(policy)
            .replayTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200))
            .addDestination(new GatewayContext.Destination(region, channel, 1001, null, Channels.ACK_STREAM_ID_DEFAULT,
                new GatewayContext.SpoolSettings(true, 64L << 20, 1 << 20, OverflowRule.PAUSE, FsyncPolicy.INTERVAL,
                    TimeUnit.MILLISECONDS.toNanos(2))));
        try (Gateway gateway = Gateway.assemble(context))
        {
            final StreamSpool spool = gateway.stream(0, 0).spool();
            System.out.println("recovered last=" + spool.spool().lastSequence() + " acked=" + spool.ackedSequence());
            System.out.flush();
            while (true)
            {
                final int work = gateway.worker(0).doWork();
                System.out.println("appended last=" + spool.spool().lastSequence() + " acked=" + spool.ackedSequence());
                System.out.flush();
                final DestinationCounters.Snapshot destination = gateway.destinationSnapshots().getFirst();
                if (finish && gateway.isDrained() && destination.spooledBatches() == 0)
                {
                    System.out.println("done last=" + spool.spool().lastSequence() + " records=" + destination.recordsSent());
                    System.out.flush();
                    return;
                }
                if (paceMs > 0)
                {
                    Thread.sleep(paceMs);
                }
                else if (work == 0)
                {
                    Thread.sleep(0, 200_000);
                }
            }
        }
    }
}
