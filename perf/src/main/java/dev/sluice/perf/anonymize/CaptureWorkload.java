package dev.sluice.perf.anonymize;

import dev.sluice.dataplane.decode.InternetChecksum;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes the capture-anonymization benchmark's workload: a pcap (Ethernet, microseconds) of small
 * packets with correct checksums, flows between many distinct addresses:
 * <ul>
 *   <li>server ports 80, 443, 25, 993, 8080, 22, 5222, 1883, client ports 32768-60999 (so no payload
 *       is read as DNS or a tunnel);</li>
 *   <li>70% IPv4 TCP (no options, 0-32 payload bytes), 15% IPv4 UDP (8-40 payload bytes);</li>
 *   <li>a quarter of the IPv4 packets carry an 802.1Q tag (VLAN 1-4094);</li>
 *   <li>15% IPv6, TCP or UDP;</li>
 *   <li>clients: random hosts of 4,096 random /24 networks (about a million possible IPv4
 *       addresses, hundreds of thousands drawn); servers: 20,000 random addresses; IPv6 clients
 *       are random interface ids in 1,024 /64s, servers 5,000 random addresses.</li>
 *   <li>packets per flow ({@code FLOW_PACKETS}, default 1): with 1, every packet draws new endpoints
 *       (no two packets need share an address: the worst case for any cache); with n, 4,096 flows
 *       are open at a time, each packet belongs to a random open flow (so flows interleave as on
 *       a link) and a flow ends after n packets, replaced by a new one.</li>
 * </ul>
 * Usage: {@code CaptureWorkload OUTPUT.pcap PACKETS SEED [FLOW_PACKETS]}. Main thread.
 */
public final class CaptureWorkload
{
    private static final int CLIENT_NETWORKS = 4096;
    private static final int SERVERS = 20_000;
    private static final int IPV6_CLIENT_NETWORKS = 1024;
    private static final int IPV6_SERVERS = 5000;
    private static final int[] SERVER_PORTS = {80, 443, 25, 993, 8080, 22, 5222, 1883};

    private final SplittableRandom random;
    private final int[] clientNetworks = new int[CLIENT_NETWORKS];
    private final int[] servers = new int[SERVERS];
    private final long[] ipv6ClientNetworks = new long[IPV6_CLIENT_NETWORKS];
    private final long[][] ipv6Servers = new long[IPV6_SERVERS][2];
    private static final int OPEN_FLOWS = 4096;

    private final ByteBuffer frame = ByteBuffer.allocate(256);
    private final int flowPackets;
    /** Per open flow: packets left, kind (0-99 as drawn per packet), VLAN tag, and its endpoints. */
    private final int[] flowLeft = new int[OPEN_FLOWS];
    private final int[] flowKind = new int[OPEN_FLOWS];
    private final boolean[] flowTagged = new boolean[OPEN_FLOWS];
    private final int[] flowClient = new int[OPEN_FLOWS];
    private final int[] flowServer = new int[OPEN_FLOWS];
    private final long[] flowClientHigh = new long[OPEN_FLOWS];
    private final long[] flowClientLow = new long[OPEN_FLOWS];
    private final int[] flowServer6 = new int[OPEN_FLOWS];

    private CaptureWorkload(final long seed, final int flowPackets)
    {
        random = new SplittableRandom(seed);
        this.flowPackets = flowPackets;
        for (int i = 0; i < CLIENT_NETWORKS; i++)
        {
            clientNetworks[i] = (random.nextInt(1, 224) << 24) | (random.nextInt(1 << 16) << 8);
        }
        for (int i = 0; i < SERVERS; i++)
        {
            servers[i] = (random.nextInt(1, 224) << 24) | random.nextInt(1 << 24);
        }
        for (int i = 0; i < IPV6_CLIENT_NETWORKS; i++)
        {
            ipv6ClientNetworks[i] = 0x2001_0db8_0000_0000L | random.nextLong(1L << 32);
        }
        for (int i = 0; i < IPV6_SERVERS; i++)
        {
            ipv6Servers[i][0] = 0x2a00_0000_0000_0000L | random.nextLong(1L << 48);
            ipv6Servers[i][1] = random.nextLong();
        }
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length != 3 && args.length != 4)
        {
            System.err.println("usage: CaptureWorkload OUTPUT.pcap PACKETS SEED [FLOW_PACKETS]");
            System.exit(2);
        }
        final long packets = Long.parseLong(args[1].replace("_", ""));
        final int flowPackets = args.length == 4 ? Integer.parseInt(args[3]) : 1;
        if (flowPackets < 1)
        {
            System.err.println("FLOW_PACKETS must be 1 or more, got " + flowPackets);
            System.exit(2);
        }
        generate(Path.of(args[0]), packets, Long.parseLong(args[2]), flowPackets);
    }

    /** Writes {@code packets} packets drawn with {@code seed} to {@code output}, every packet with new endpoints. */
    static void generate(final Path output, final long packets, final long seed) throws IOException
    {
        generate(output, packets, seed, 1);
    }

    /** Writes {@code packets} packets drawn with {@code seed} to {@code output}, in flows of {@code flowPackets}. */
    static void generate(final Path output, final long packets, final long seed, final int flowPackets) throws IOException
    {
        new CaptureWorkload(seed, flowPackets).write(output, packets);
    }

    private void write(final Path output, final long packets) throws IOException
    {
        long vlan = 0;
        long ipv6 = 0;
        try (CaptureFileWriter writer = CaptureFileWriter.create(output, LinkType.ETHERNET, CaptureFileWriter.Precision.MICROSECONDS))
        {
            long timestampNs = 1_790_000_000_000_000_000L;
            for (long n = 0; n < packets; n++)
            {
                timestampNs += random.nextInt(1000, 20_000);
                final int flow = flowPackets == 1 ? 0 : random.nextInt(OPEN_FLOWS);
                if (flowLeft[flow] == 0)
                {
                    openFlow(flow);
                }
                flowLeft[flow]--;
                final int kind = flowKind[flow];
                frame.clear();
                if (kind < 85)
                {
                    vlan += flowTagged[flow] ? 1 : 0;
                    ipv4(flow, kind < 70);
                }
                else
                {
                    ipv6++;
                    ipv6(flow, (kind & 1) == 0);
                }
                writer.write(timestampNs, frame.array(), 0, frame.position(), frame.position());
            }
        }
        System.out.printf("wrote %d packets (%d VLAN-tagged IPv4, %d IPv6) to %s%n", packets, vlan, ipv6, output);
    }

    private void ethernet(final boolean tagged, final int etherType)
    {
        frame.putInt(0x0200_0000 | random.nextInt(1 << 24)).putShort((short)random.nextInt())
            .putInt(0x0200_0000 | random.nextInt(1 << 24)).putShort((short)random.nextInt());
        if (tagged)
        {
            frame.putShort((short)0x8100).putShort((short)random.nextInt(1, 4095));
        }
        frame.putShort((short)etherType);
    }

    /** Draws a new flow into slot {@code flow}: its kind, tag and endpoints, as one packet used to draw them. */
    private void openFlow(final int flow)
    {
        flowLeft[flow] = flowPackets;
        final int kind = random.nextInt(100);
        flowKind[flow] = kind;
        if (kind < 85)
        {
            flowTagged[flow] = random.nextInt(4) == 0;
            flowClient[flow] = clientNetworks[skewed(CLIENT_NETWORKS)] | random.nextInt(1, 255);
            flowServer[flow] = servers[skewed(SERVERS)];
        }
        else
        {
            flowClientHigh[flow] = ipv6ClientNetworks[skewed(IPV6_CLIENT_NETWORKS)];
            flowClientLow[flow] = random.nextLong();
            flowServer6[flow] = skewed(IPV6_SERVERS);
        }
    }

    private void ipv4(final int flow, final boolean tcp)
    {
        ethernet(flowTagged[flow], 0x0800);
        final int client = flowClient[flow];
        final int server = flowServer[flow];
        final boolean outbound = random.nextBoolean();
        final int source = outbound ? client : server;
        final int destination = outbound ? server : client;
        final int payload = tcp ? random.nextInt(33) : random.nextInt(8, 41);
        final int transportLength = (tcp ? 20 : 8) + payload;
        final int ip = frame.position();
        frame.put((byte)0x45).put((byte)0).putShort((short)(20 + transportLength)).putShort((short)random.nextInt())
            .putShort((short)0x4000).put((byte)64).put((byte)(tcp ? 6 : 17)).putShort((short)0)
            .putInt(source).putInt(destination);
        frame.putShort(ip + 10, (short)InternetChecksum.finish(InternetChecksum.sum(frame.array(), ip, 20, 0)));
        final long pseudo = InternetChecksum.sum(frame.array(), ip + 12, 8, 0) + (tcp ? 6 : 17) + transportLength;
        transport(tcp, outbound, payload, transportLength, pseudo);
    }

    private void ipv6(final int flow, final boolean tcp)
    {
        ethernet(false, 0x86DD);
        final long clientHigh = flowClientHigh[flow];
        final long clientLow = flowClientLow[flow];
        final long[] server = ipv6Servers[flowServer6[flow]];
        final boolean outbound = random.nextBoolean();
        final int payload = tcp ? random.nextInt(33) : random.nextInt(8, 41);
        final int transportLength = (tcp ? 20 : 8) + payload;
        final int ip = frame.position();
        frame.putInt(0x6000_0000).putShort((short)transportLength).put((byte)(tcp ? 6 : 17)).put((byte)64);
        if (outbound)
        {
            frame.putLong(clientHigh).putLong(clientLow).putLong(server[0]).putLong(server[1]);
        }
        else
        {
            frame.putLong(server[0]).putLong(server[1]).putLong(clientHigh).putLong(clientLow);
        }
        final long pseudo = InternetChecksum.sum(frame.array(), ip + 8, 32, 0) + (tcp ? 6 : 17) + transportLength;
        transport(tcp, outbound, payload, transportLength, pseudo);
    }

    private void transport(final boolean tcp, final boolean outbound, final int payload, final int length, final long pseudo)
    {
        final int at = frame.position();
        // Ephemeral ports (Linux's range): none is a tunnel or DNS port the decoder would read the payload of.
        final int clientPort = random.nextInt(32768, 61000);
        final int serverPort = SERVER_PORTS[random.nextInt(SERVER_PORTS.length)];
        frame.putShort((short)(outbound ? clientPort : serverPort)).putShort((short)(outbound ? serverPort : clientPort));
        if (tcp)
        {
            frame.putInt(random.nextInt()).putInt(random.nextInt()).putShort((short)0x5018).putShort((short)64240)
                .putShort((short)0).putShort((short)0);
        }
        else
        {
            frame.putShort((short)length).putShort((short)0);
        }
        for (int i = 0; i < payload; i++)
        {
            frame.put((byte)random.nextInt(32, 127));
        }
        int checksum = InternetChecksum.finish(InternetChecksum.sum(frame.array(), at, length, pseudo));
        if (!tcp && checksum == 0)
        {
            checksum = 0xFFFF;
        }
        frame.putShort(at + (tcp ? 16 : 6), (short)checksum);
    }

    /** An index in [0, n) with a skew towards low indexes, as a few networks and servers carry most traffic. */
    private int skewed(final int n)
    {
        final double u = random.nextDouble();
        return (int)(n * u * u);
    }
}
