package dev.sluice.dataplane;

import dev.sluice.dataplane.pipeline.CpuAffinity;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.Packets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration of several workers: {@code source.pcap} as a list gives one capture file per
 * worker, {@code workers.cpus} pins them; every mistake is reported at its file:line:column.
 */
class GatewayWorkersConfigTest
{
    private static final String GATEWAY = """
        gateway:
          id: gw-1
          site: paris-1
          region: eu-west
        destinations:
          - region: eu-west
            channel: aeron:ipc
        """;

    @TempDir
    Path directory;

    @BeforeEach
    void captures() throws IOException
    {
        for (final String name : List.of("a.pcap", "b.pcap", "c.pcap"))
        {
            try (CaptureFileWriter writer = CaptureFileWriter.create(
                directory.resolve(name), LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
            {
                writer.write(1_700_000_000_000_000_000L, Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 40000, 443, 0x002));
            }
        }
    }

    @Test
    void aListOfCapturesGivesOneWorkerPerFile()
    {
        final GatewayContext flow = parse(GATEWAY + "source:\n  pcap: [a.pcap, b.pcap, c.pcap]\n").context();
        assertEquals(List.of(directory.resolve("a.pcap"), directory.resolve("b.pcap"), directory.resolve("c.pcap")),
            flow.captureFiles());
        assertEquals(3, flow.conclude().packetSources().workerCount());

        final GatewayContext block = parse(GATEWAY + "source:\n  pcap:\n    - b.pcap\n    - a.pcap\n").context();
        assertEquals(List.of(directory.resolve("b.pcap"), directory.resolve("a.pcap")), block.captureFiles());
        assertEquals(2, block.conclude().packetSources().workerCount());

        final GatewayContext single = parse(GATEWAY + "source:\n  pcap: a.pcap\n").context();
        assertEquals(List.of(), single.captureFiles());
        assertEquals(1, single.conclude().packetSources().workerCount());
    }

    @Test
    void eachCaptureOfTheListIsCheckedWhereItIs()
    {
        assertErrors(GATEWAY + "source:\n  pcap: [a.pcap, missing.pcap]\n",
            "gw.yaml:9:18: error: source.pcap[1]: cannot read '" + directory.resolve("missing.pcap") + "'",
            "  hint: no such file");
        assertErrors(GATEWAY + "source:\n  pcap:\n    - a.pcap\n    - [b.pcap]\n",
            "gw.yaml:11:7: error: source.pcap[1] must be a value, found a list");
        assertErrors(GATEWAY + "source:\n  pcap: []\n",
            "gw.yaml:9:9: error: source.pcap lists no capture file",
            "  hint: give one file, or a list with one file per worker");
    }

    @Test
    void cpusPinOneWorkerEach()
    {
        final List<Integer> online = onlineCpus();
        final GatewayContext context = parse(GATEWAY + "source:\n  pcap: a.pcap\nworkers:\n  cpus: [" + online.getFirst() + "]\n")
            .context();
        assertEquals(List.of(online.getFirst()), context.workerCpus());
        context.conclude();
        assertEquals(List.of(), parse(GATEWAY + "source:\n  pcap: a.pcap\n").context().workerCpus());
    }

    @Test
    void cpuMistakesAreReportedWhereTheyAre()
    {
        final String source = "source:\n  pcap: [a.pcap, b.pcap]\n";
        final int first = onlineCpus().getFirst();
        assertErrors(GATEWAY + source + "workers:\n  cpus: [" + first + ", 4000]\n",
            "gw.yaml:11:" + (12 + String.valueOf(first).length()) + ": error: workers.cpus: CPU 4000 does not exist on this machine",
            "  hint: online CPUs are " + CpuAffinity.describe(CpuAffinity.onlineCpus()) + " (see /sys/devices/system/cpu/online)");
        assertErrors(GATEWAY + source + "workers:\n  cpus: [" + first + ", " + first + "]\n",
            "gw.yaml:11:" + (12 + String.valueOf(first).length()) + ": error: workers.cpus: CPU " + first + " is listed twice",
            "  hint: give each worker a CPU of its own");
        assertErrors(GATEWAY + source + "workers:\n  cpus: [" + first + "]\n",
            "gw.yaml:11:9: error: workers.cpus lists 1 CPUs for 2 workers",
            "  hint: list one CPU per worker (source.pcap gives one worker per file)");
        assertErrors(GATEWAY + source + "workers:\n  cpus: [-1, two]\n",
            "gw.yaml:11:10: error: workers.cpus must be a whole number, found '-1'",
            "gw.yaml:11:14: error: workers.cpus must be a whole number, found 'two'");
        assertErrors(GATEWAY + source + "workers:\n  cpus: 2\n",
            "gw.yaml:11:9: error: workers.cpus must be a list, found a scalar");
        assertErrors(GATEWAY + source + "workers:\n  cpu: [0]\n",
            "gw.yaml:11:3: error: unknown key 'cpu' in workers",
            "  hint: did you mean 'cpus'?");
    }

    @Test
    void cpusMustMatchTheAfPacketWorkersAndTheDpdkQueues()
    {
        final int first = onlineCpus().getFirst();
        assertErrors(GATEWAY + "source:\n  af-packet: {interface: eth0, workers: 3}\nworkers:\n  cpus: [" + first + "]\n",
            "gw.yaml:11:9: error: workers.cpus lists 1 CPUs for 3 workers",
            "  hint: list one CPU per worker (source.af-packet.workers gives one worker per fanout socket)");
        assertErrors(GATEWAY + "source:\n  af-packet: {interface: eth0}\nworkers:\n  cpus: []\n",
            "gw.yaml:11:9: error: workers.cpus lists 0 CPUs for 1 workers",
            "  hint: list one CPU per worker (source.af-packet.workers gives one worker per fanout socket)");
        assertEquals(List.of(first), parse(GATEWAY + "source:\n  af-packet: {interface: eth0}\nworkers:\n  cpus: [" +
            first + "]\n").context().workerCpus());

        // Whether DPDK is installed here or not, the miscount is reported at the list.
        final IllegalArgumentException dpdk = assertThrows(IllegalArgumentException.class, () -> parse(GATEWAY +
            "source:\n  dpdk: {device: net_null0, queues: 2}\nworkers:\n  cpus: [" + first + "]\n"));
        assertTrue(dpdk.getMessage().lines().toList().containsAll(List.of(
            "gw.yaml:11:9: error: workers.cpus lists 1 CPUs for 2 workers",
            "  hint: list one CPU per worker (source.dpdk.queues gives one worker per rx queue)")), dpdk.getMessage());
    }

    private static List<Integer> onlineCpus()
    {
        final List<Integer> cpus = new ArrayList<>();
        CpuAffinity.onlineCpus().stream().forEach(cpus::add);
        return cpus;
    }

    private GatewayConfig parse(final String text)
    {
        return GatewayConfig.parse("gw.yaml", text, directory);
    }

    private void assertErrors(final String text, final String... lines)
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> parse(text), text);
        final List<String> expected = new ArrayList<>();
        expected.add("invalid gateway configuration:");
        expected.addAll(List.of(lines));
        assertEquals(expected, error.getMessage().lines().toList(), text);
    }
}
