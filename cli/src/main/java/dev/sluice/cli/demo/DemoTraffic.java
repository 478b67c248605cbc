package dev.sluice.cli.demo;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the demo's packet capture: synthetic traffic of an EU edge site, deterministic for a
 * seed (no wall clock, no platform-dependent arithmetic), so the same seed always gives the
 * same bytes.
 * <p>
 * The site: about two thousand hosts in 10.20.0.0/16 (two subnets reached over an 802.1Q
 * trunk, VLANs 110 and 120) and 2001:db8:20:1::/64, a router, a DNS resolver and public
 * servers in RIPE-region address space. The mix, by packet: web TCP flows to ports 443 (with
 * a TLS ClientHello carrying the server name) and 80 (with an HTTP request) from complete
 * handshake to close, about a tenth of them tagged; DNS over UDP 53 with answers; NTP; ICMP
 * echo; about 10% IPv6 (TCP flows and ICMPv6 echo); a little ARP; and about 0.5% packets
 * broken on purpose, in four ways the decoder must count: an IPv4 header cut short, an IPv4
 * IHL below 5, a TCP header cut short, and a UDP length below 8. Checksums are correct
 * everywhere else. Time starts at {@link #START_EPOCH_NS} and packets arrive about
 * {@link #MEAN_INTERVAL_NS} apart (exponentially distributed).
 * <p>
 * Called by one thread at a time.
 */
public final class DemoTraffic
{
    public static final int DEFAULT_PACKETS = 400_000;
    public static final long DEFAULT_SEED = 20_250_602L;
    /** 2025-06-02T08:00:00Z, a Monday morning at the site. */
    public static final long START_EPOCH_NS = 1_748_851_200_000_000_000L;
    /** Mean time between packets: 40 µs, 25,000 packets per second. */
    public static final long MEAN_INTERVAL_NS = 40_000L;

    /** What a packet in the demo capture is, and the drop reason the decoder must give it (null: none). */
    public enum Kind
    {
        WEB_TCP(null),
        WEB_TCP_VLAN(null),
        DNS(null),
        NTP(null),
        ICMP_ECHO(null),
        IPV6_WEB_TCP(null),
        ICMPV6_ECHO(null),
        ARP(null),
        BROKEN_TRUNCATED_IPV4(DropReason.TRUNCATED_IPV4),
        BROKEN_BAD_IHL(DropReason.IPV4_BAD_HEADER_LENGTH),
        BROKEN_TRUNCATED_TCP(DropReason.TRUNCATED_TCP),
        BROKEN_BAD_UDP_LENGTH(DropReason.UDP_BAD_LENGTH);

        private final DropReason expectedDrop;

        Kind(final DropReason expectedDrop)
        {
            this.expectedDrop = expectedDrop;
        }

        /** The decode drop reason for packets of this kind, or null when they decode. */
        public DropReason expectedDrop()
        {
            return expectedDrop;
        }
    }

    /** What {@link #write} wrote: packets by kind, and the time span they cover. */
    public record Summary(Path file, int packets, long firstTimestampNs, long lastTimestampNs, Map<Kind, Integer> packetsByKind)
    {
        public Summary
        {
            packetsByKind = Collections.unmodifiableMap(new EnumMap<>(packetsByKind));
        }

        public int count(final Kind kind)
        {
            return packetsByKind.getOrDefault(kind, 0);
        }

        /** Packets broken on purpose. */
        public int broken()
        {
            return expectedDrops().values().stream().mapToInt(Integer::intValue).sum();
        }

        /** How many packets the decoder must drop, by reason. */
        public Map<DropReason, Integer> expectedDrops()
        {
            final Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);
            packetsByKind.forEach((kind, count) ->
            {
                if (null != kind.expectedDrop())
                {
                    drops.merge(kind.expectedDrop(), count, Integer::sum);
                }
            });
            return drops;
        }
    }

    // Packet mix, in ten-thousandths of all packets.
    private static final int WEIGHT_WEB_IPV4 = 7_400;
    private static final int WEIGHT_DNS = 1_000;
    private static final int WEIGHT_NTP = 200;
    private static final int WEIGHT_ICMP = 300;
    private static final int WEIGHT_IPV6_WEB = 850;
    private static final int WEIGHT_ICMPV6 = 150;
    private static final int WEIGHT_ARP = 50;
    private static final int WEIGHT_BROKEN = 50;

    private static final int CONCURRENT_IPV4_FLOWS = 48;
    private static final int CONCURRENT_IPV6_FLOWS = 8;
    private static final int TAGGED_FLOWS_PERCENT = 10;
    private static final int[] VLANS = {110, 120};
    private static final int MSS_BYTES = 1448;
    private static final int MIN_LAST_SEGMENT_BYTES = 64;

    private static final long ROUTER_MAC = 0x001b_213a_4f01L;
    private static final long BROADCAST_MAC = 0xffff_ffff_ffffL;
    private static final int ROUTER_ADDRESS = address(10, 20, 0, 1);
    private static final int RESOLVER_ADDRESS = address(10, 20, 0, 53);
    private static final long SITE_IPV6_HIGH = 0x2001_0db8_0020_0001L;
    private static final int[] RIPE_FIRST_OCTETS = {
        2, 5, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 109, 141,
        145, 151, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217};
    private static final String[] HOST_PREFIXES = {"www", "api", "cdn", "static", "login", "mail", "news", "shop"};
    private static final String[] DOMAINS = {
        "example-bank", "example-news", "example-shop", "example-cloud", "example-telco", "example-stream",
        "example-travel", "example-health"};
    private static final String[] TLDS = {"de", "fr", "nl", "it", "es", "eu", "pl", "se", "at", "be"};
    private static final int SERVERS = 256;
    private static final int RANDOM_POOL_BYTES = 1 << 16;

    private final SplitMix64 random;
    private final DemoFrames frames = new DemoFrames();
    private final byte[] randomPool = new byte[RANDOM_POOL_BYTES];
    private final int[] serverAddress = new int[SERVERS];
    private final long[] serverIpv6High = new long[SERVERS];
    private final long[] serverIpv6Low = new long[SERVERS];
    private final int[] serverTtl = new int[SERVERS];
    private final String[] serverName = new String[SERVERS];
    private final List<Flow> ipv4Flows = new ArrayList<>();
    private final List<Flow> ipv6Flows = new ArrayList<>();
    private final ArrayDeque<Exchange> pendingDns = new ArrayDeque<>();
    private final ArrayDeque<Exchange> pendingNtp = new ArrayDeque<>();
    private final ArrayDeque<Exchange> pendingEcho = new ArrayDeque<>();
    private final ArrayDeque<Exchange> pendingEchoV6 = new ArrayDeque<>();
    private final ArrayDeque<Exchange> pendingArp = new ArrayDeque<>();
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    private int identification;
    private int brokenTurn;

    private DemoTraffic(final long seed)
    {
        random = new SplitMix64(seed);
        for (int i = 0; i < RANDOM_POOL_BYTES; i += 8)
        {
            final long value = random.nextLong();
            for (int j = 0; j < 8; j++)
            {
                randomPool[i + j] = (byte)(value >>> (8 * j));
            }
        }
        for (int i = 0; i < SERVERS; i++)
        {
            serverAddress[i] = (RIPE_FIRST_OCTETS[random.nextInt(RIPE_FIRST_OCTETS.length)] << 24) |
                (random.nextInt(256) << 16) | (random.nextInt(256) << 8) | (1 + random.nextInt(254));
            serverIpv6High[i] = 0x2a00_0000_0000_0000L | ((random.nextLong() & 0x0fff_ffff_ffffL) << 16);
            serverIpv6Low[i] = 1 + random.nextInt(0xffff);
            serverTtl[i] = 48 + random.nextInt(12);
            serverName[i] = HOST_PREFIXES[random.nextInt(HOST_PREFIXES.length)] + "." +
                DOMAINS[random.nextInt(DOMAINS.length)] + "." + TLDS[random.nextInt(TLDS.length)];
        }
    }

    /** Writes {@link #DEFAULT_PACKETS} packets with {@link #DEFAULT_SEED}. */
    public static Summary write(final Path file) throws IOException
    {
        return write(file, DEFAULT_PACKETS, DEFAULT_SEED);
    }

    /** Writes {@code packets} packets generated from {@code seed} to a microsecond pcap at {@code file}. */
    public static Summary write(final Path file, final int packets, final long seed) throws IOException
    {
        if (packets < 0)
        {
            throw new IllegalArgumentException("packets must not be negative: " + packets);
        }
        return new DemoTraffic(seed).generate(file, packets);
    }

    /** {@code DemoTraffic FILE [PACKETS] [SEED]}: writes a demo capture and prints what is in it. */
    public static void main(final String[] args) throws IOException
    {
        if (args.length < 1 || args.length > 3)
        {
            System.err.println("usage: DemoTraffic FILE [PACKETS] [SEED]");
            System.exit(2);
        }
        final Summary summary = write(
            Path.of(args[0]),
            args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_PACKETS,
            args.length > 2 ? Long.parseLong(args[2]) : DEFAULT_SEED);
        System.out.println(summary.packets() + " packets written to " + summary.file() + ": " + summary.packetsByKind());
    }

    private Summary generate(final Path file, final int packets) throws IOException
    {
        long timestampNs = START_EPOCH_NS;
        try (CaptureFileWriter writer = CaptureFileWriter.create(file, LinkType.ETHERNET, CaptureFileWriter.Precision.MICROSECONDS))
        {
            for (int i = 0; i < packets; i++)
            {
                if (i > 0)
                {
                    // Exponential gaps: StrictMath keeps the sequence the same on every platform.
                    timestampNs += 1_000 + (long)(-StrictMath.log(1.0 - random.nextDouble()) * (MEAN_INTERVAL_NS - 1_000));
                }
                final Kind kind = next();
                counts.merge(kind, 1, Integer::sum);
                final int wireLength = kind == Kind.BROKEN_TRUNCATED_IPV4 ?
                    frames.l3Offset() + 12 : frames.length();
                writer.write(timestampNs, frames.bytes(), 0, wireLength, wireLength);
            }
        }
        return new Summary(file, packets, START_EPOCH_NS, timestampNs, counts);
    }

    /** Builds the next packet into {@link #frames} and says what it is. */
    private Kind next()
    {
        int pick = random.nextInt(10_000);
        if ((pick -= WEIGHT_WEB_IPV4) < 0)
        {
            return webFlow(ipv4Flows, CONCURRENT_IPV4_FLOWS, false);
        }
        if ((pick -= WEIGHT_DNS) < 0)
        {
            return dns();
        }
        if ((pick -= WEIGHT_NTP) < 0)
        {
            return ntp();
        }
        if ((pick -= WEIGHT_ICMP) < 0)
        {
            return echo();
        }
        if ((pick -= WEIGHT_IPV6_WEB) < 0)
        {
            return webFlow(ipv6Flows, CONCURRENT_IPV6_FLOWS, true);
        }
        if ((pick -= WEIGHT_ICMPV6) < 0)
        {
            return echoV6();
        }
        if ((pick -= WEIGHT_ARP) < 0)
        {
            return arp();
        }
        return broken();
    }

    // ---------------------------------------------------------------- web flows

    /** One TCP connection from an internal host to a public server, from SYN to the last ACK. */
    private static final class Flow
    {
        int client;
        int vlan;
        int server;
        int serverPort;
        int clientPort;
        long clientSequence;
        long serverSequence;
        int state;
        int responseBytesLeft;
        int responseBodyBytes;
        boolean responseStarted;
        int unacknowledgedSegments;
    }

    private static final int SYN = 0;
    private static final int SYN_ACK = 1;
    private static final int HANDSHAKE_ACK = 2;
    private static final int REQUEST = 3;
    private static final int RESPONSE = 4;
    private static final int CLIENT_FIN = 5;
    private static final int SERVER_FIN = 6;
    private static final int LAST_ACK = 7;

    private static final int FIN = 0x01;
    private static final int TCP_SYN = 0x02;
    private static final int PSH = 0x08;
    private static final int ACK = 0x10;

    private Kind webFlow(final List<Flow> flows, final int concurrent, final boolean ipv6)
    {
        while (flows.size() < concurrent)
        {
            flows.add(newFlow(ipv6));
        }
        final int index = random.nextInt(flows.size());
        final Flow flow = flows.get(index);
        final boolean fromClient;
        boolean request = false;
        int flags = ACK;
        int payloadBytes = 0;
        switch (flow.state)
        {
            case SYN ->
            {
                fromClient = true;
                flags = TCP_SYN;
                flow.state = SYN_ACK;
            }
            case SYN_ACK ->
            {
                fromClient = false;
                flags = TCP_SYN | ACK;
                flow.state = HANDSHAKE_ACK;
            }
            case HANDSHAKE_ACK ->
            {
                fromClient = true;
                flow.state = REQUEST;
            }
            case REQUEST ->
            {
                fromClient = true;
                request = true;
                flags = PSH | ACK;
                flow.state = RESPONSE;
            }
            case RESPONSE ->
            {
                if (flow.unacknowledgedSegments >= 2)
                {
                    fromClient = true;
                    flow.unacknowledgedSegments = 0;
                }
                else
                {
                    fromClient = false;
                    // Never leave a last segment too small to hold a TLS record header.
                    payloadBytes = flow.responseBytesLeft <= MSS_BYTES ? flow.responseBytesLeft :
                        Math.min(MSS_BYTES, flow.responseBytesLeft - MIN_LAST_SEGMENT_BYTES);
                    flow.responseBytesLeft -= payloadBytes;
                    flow.unacknowledgedSegments++;
                    if (flow.responseBytesLeft == 0)
                    {
                        flags = PSH | ACK;
                        flow.state = CLIENT_FIN;
                    }
                }
            }
            case CLIENT_FIN ->
            {
                fromClient = true;
                flags = FIN | ACK;
                flow.state = SERVER_FIN;
            }
            case SERVER_FIN ->
            {
                fromClient = false;
                flags = FIN | ACK;
                flow.state = LAST_ACK;
            }
            default ->
            {
                fromClient = true;
                flows.set(index, newFlow(ipv6));
            }
        }

        final long sequence = fromClient ? flow.clientSequence : flow.serverSequence;
        final long acknowledgment = (flags & ACK) == 0 ? 0 : fromClient ? flow.serverSequence : flow.clientSequence;
        beginIp(flow, fromClient, ipv6, DemoFrames.PROTOCOL_TCP);
        frames.tcp(
            fromClient ? flow.clientPort : flow.serverPort,
            fromClient ? flow.serverPort : flow.clientPort,
            sequence, acknowledgment, flags, fromClient ? 64_240 : 65_535);
        if (request)
        {
            payloadBytes = request(flow);
        }
        else if (payloadBytes > 0)
        {
            response(flow, payloadBytes);
        }
        frames.finish();

        final long consumed = payloadBytes + ((flags & (TCP_SYN | FIN)) != 0 ? 1 : 0);
        if (fromClient)
        {
            flow.clientSequence = (flow.clientSequence + consumed) & 0xFFFF_FFFFL;
        }
        else
        {
            flow.serverSequence = (flow.serverSequence + consumed) & 0xFFFF_FFFFL;
        }
        return ipv6 ? Kind.IPV6_WEB_TCP : flow.vlan >= 0 ? Kind.WEB_TCP_VLAN : Kind.WEB_TCP;
    }

    private Flow newFlow(final boolean ipv6)
    {
        final Flow flow = new Flow();
        flow.vlan = !ipv6 && random.nextInt(100) < TAGGED_FLOWS_PERCENT ? VLANS[random.nextInt(VLANS.length)] : -1;
        flow.client = flow.vlan >= 0 ? address(10, 20, flow.vlan, 10 + random.nextInt(200)) :
            address(10, 20, 1 + random.nextInt(8), 10 + random.nextInt(240));
        flow.server = random.nextInt(SERVERS);
        flow.serverPort = random.nextInt(100) < 85 ? 443 : 80;
        flow.clientPort = 32_768 + random.nextInt(28_232);
        flow.clientSequence = random.nextLong() & 0xFFFF_FFFFL;
        flow.serverSequence = random.nextLong() & 0xFFFF_FFFFL;
        // Mostly small objects, some large downloads.
        flow.responseBytesLeft = random.nextInt(10) == 0 ? 20_000 + random.nextInt(100_000) : 300 + random.nextInt(12_000);
        flow.responseBodyBytes = flow.responseBytesLeft - httpResponseHeaderBytes(flow.responseBytesLeft);
        return flow;
    }

    /** Length of the HTTP response header that announces a body making the response {@code totalBytes} long. */
    private static int httpResponseHeaderBytes(final int totalBytes)
    {
        final int withoutLength = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: \r\n\r\n".length();
        int digits = 1;
        while (digits < 10 && String.valueOf(totalBytes - withoutLength - digits).length() != digits)
        {
            digits++;
        }
        return withoutLength + digits;
    }

    /** The client's request: an HTTP GET on port 80, a TLS ClientHello naming the server otherwise. */
    private int request(final Flow flow)
    {
        final int start = frames.position();
        final String host = serverName[flow.server];
        if (flow.serverPort == 80)
        {
            frames.putAscii("GET /" + HOST_PREFIXES[random.nextInt(HOST_PREFIXES.length)] + "/index.html HTTP/1.1\r\n" +
                "Host: " + host + "\r\nUser-Agent: Mozilla/5.0\r\nAccept: */*\r\n\r\n");
        }
        else
        {
            clientHello(host);
        }
        return frames.position() - start;
    }

    /**
     * One server segment of {@code payloadBytes}: on port 80 the first starts with the HTTP
     * response header; on port 443 each is one whole TLS application-data record.
     */
    private void response(final Flow flow, final int payloadBytes)
    {
        if (flow.serverPort == 80)
        {
            if (!flow.responseStarted)
            {
                flow.responseStarted = true;
                final int start = frames.position();
                frames.putAscii("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                    flow.responseBodyBytes + "\r\n\r\n");
                randomPayload(payloadBytes - (frames.position() - start));
            }
            else
            {
                randomPayload(payloadBytes);
            }
        }
        else
        {
            frames.putByte(0x17).putShort(0x0303).putShort(payloadBytes - 5);
            randomPayload(payloadBytes - 5);
        }
    }

    private void clientHello(final String host)
    {
        final int nameBytes = host.length();
        final int serverNameExtension = 2 + 2 + 2 + 1 + 2 + nameBytes;
        final int supportedVersionsExtension = 4 + 3;
        final int signatureAlgorithmsExtension = 4 + 4;
        final int extensions = serverNameExtension + supportedVersionsExtension + signatureAlgorithmsExtension;
        final int helloBytes = 2 + 32 + 1 + 2 + 6 + 2 + 2 + extensions;
        frames.putByte(0x16).putShort(0x0301).putShort(4 + helloBytes)           // record: handshake, TLS 1.0 compat
            .putByte(0x01).putByte(0).putShort(helloBytes)                      // ClientHello
            .putShort(0x0303);                                                  // TLS 1.2 legacy version
        randomPayload(32);
        frames.putByte(0)                                                       // no session id
            .putShort(6).putShort(0x1301).putShort(0x1302).putShort(0xc02f)     // cipher suites
            .putByte(1).putByte(0)                                              // null compression
            .putShort(extensions)
            .putShort(0x0000).putShort(serverNameExtension - 4)                 // server_name
            .putShort(serverNameExtension - 6).putByte(0).putShort(nameBytes).putAscii(host)
            .putShort(0x002b).putShort(3).putByte(2).putShort(0x0304)           // supported_versions: TLS 1.3
            .putShort(0x000d).putShort(4).putShort(2).putShort(0x0804);         // signature_algorithms: rsa_pss_rsae_sha256
    }

    // ---------------------------------------------------------------- request and response exchanges

    /** A request already sent, whose response is still to come. */
    private record Exchange(int client, int server, int id, int port, int vlan)
    {
    }

    private Kind dns()
    {
        if (!pendingDns.isEmpty() && random.nextInt(2) == 0)
        {
            final Exchange query = pendingDns.poll();
            beginIpv4(ROUTER_MAC, RESOLVER_ADDRESS, query.client(), DemoFrames.PROTOCOL_UDP, 64);
            frames.udp(53, query.port());
            dnsMessage(query.id(), true, query.server());
        }
        else
        {
            final Exchange query = new Exchange(internalHost(), random.nextInt(SERVERS), random.nextInt(0x10000),
                49_152 + random.nextInt(16_383), -1);
            beginIpv4(hostMac(query.client()), query.client(), RESOLVER_ADDRESS, DemoFrames.PROTOCOL_UDP, 64);
            frames.udp(query.port(), 53);
            dnsMessage(query.id(), false, query.server());
            pendingDns.add(query);
        }
        frames.finish();
        return Kind.DNS;
    }

    private void dnsMessage(final int id, final boolean response, final int server)
    {
        frames.putShort(id).putShort(response ? 0x8180 : 0x0100).putShort(1).putShort(response ? 1 : 0)
            .putShort(0).putShort(0);
        for (final String label : serverName[server].split("\\."))
        {
            frames.putByte(label.length()).putAscii(label);
        }
        frames.putByte(0).putShort(1).putShort(1);
        if (response)
        {
            frames.putShort(0xc00c).putShort(1).putShort(1).putInt(300).putShort(4).putInt(serverAddress[server]);
        }
    }

    private Kind ntp()
    {
        if (!pendingNtp.isEmpty() && random.nextInt(2) == 0)
        {
            final Exchange request = pendingNtp.poll();
            beginIpv4(ROUTER_MAC, serverAddress[request.server()], request.client(), DemoFrames.PROTOCOL_UDP,
                serverTtl[request.server()]);
            frames.udp(123, 123);
            ntpMessage(4);
        }
        else
        {
            final Exchange request = new Exchange(internalHost(), random.nextInt(2), 0, 123, -1);
            beginIpv4(hostMac(request.client()), request.client(), serverAddress[request.server()],
                DemoFrames.PROTOCOL_UDP, 64);
            frames.udp(123, 123);
            ntpMessage(3);
            pendingNtp.add(request);
        }
        frames.finish();
        return Kind.NTP;
    }

    private void ntpMessage(final int mode)
    {
        frames.putByte((4 << 3) | mode).putByte(mode == 4 ? 2 : 0).putByte(6).putByte(0xe9);
        randomPayload(44);
    }

    private Kind echo()
    {
        if (!pendingEcho.isEmpty() && random.nextInt(2) == 0)
        {
            final Exchange request = pendingEcho.poll();
            beginIpv4(ROUTER_MAC, serverAddress[request.server()], request.client(), DemoFrames.PROTOCOL_ICMP,
                serverTtl[request.server()]);
            frames.echo(0, request.id(), request.port());
        }
        else
        {
            final Exchange request = new Exchange(internalHost(), random.nextInt(SERVERS), random.nextInt(0x10000),
                1 + random.nextInt(20), -1);
            beginIpv4(hostMac(request.client()), request.client(), serverAddress[request.server()],
                DemoFrames.PROTOCOL_ICMP, 64);
            frames.echo(8, request.id(), request.port());
            pendingEcho.add(request);
        }
        randomPayload(56);
        frames.finish();
        return Kind.ICMP_ECHO;
    }

    private Kind echoV6()
    {
        final boolean reply = !pendingEchoV6.isEmpty() && random.nextInt(2) == 0;
        final Exchange request = reply ? pendingEchoV6.poll() :
            new Exchange(1 + random.nextInt(2_000), random.nextInt(SERVERS), random.nextInt(0x10000), 1 + random.nextInt(20), -1);
        if (reply)
        {
            frames.beginEthernet(hostMac(request.client()), ROUTER_MAC, -1, DemoFrames.ETHER_TYPE_IPV6)
                .ipv6(serverIpv6High[request.server()], serverIpv6Low[request.server()], SITE_IPV6_HIGH, request.client(),
                    DemoFrames.PROTOCOL_ICMPV6, serverTtl[request.server()], 0);
            frames.echo(129, request.id(), request.port());
        }
        else
        {
            frames.beginEthernet(ROUTER_MAC, hostMac(request.client()), -1, DemoFrames.ETHER_TYPE_IPV6)
                .ipv6(SITE_IPV6_HIGH, request.client(), serverIpv6High[request.server()], serverIpv6Low[request.server()],
                    DemoFrames.PROTOCOL_ICMPV6, 64, 0);
            frames.echo(128, request.id(), request.port());
            pendingEchoV6.add(request);
        }
        randomPayload(56);
        frames.finish();
        return Kind.ICMPV6_ECHO;
    }

    private Kind arp()
    {
        if (!pendingArp.isEmpty() && random.nextInt(2) == 0)
        {
            final Exchange request = pendingArp.poll();
            frames.beginEthernet(hostMac(request.client()), ROUTER_MAC, -1, DemoFrames.ETHER_TYPE_ARP)
                .arp(2, ROUTER_MAC, ROUTER_ADDRESS, hostMac(request.client()), request.client());
        }
        else
        {
            final Exchange request = new Exchange(internalHost(), 0, 0, 0, -1);
            frames.beginEthernet(BROADCAST_MAC, hostMac(request.client()), -1, DemoFrames.ETHER_TYPE_ARP)
                .arp(1, hostMac(request.client()), request.client(), 0, ROUTER_ADDRESS);
            pendingArp.add(request);
        }
        // Ethernet pads short frames to 60 bytes before the FCS.
        while (frames.length() < 60)
        {
            frames.putByte(0);
        }
        return Kind.ARP;
    }

    // ---------------------------------------------------------------- broken on purpose

    private Kind broken()
    {
        final int turn = brokenTurn++ & 3;
        final int client = internalHost();
        final int server = random.nextInt(SERVERS);
        switch (turn)
        {
            case 0 ->
            {
                // The frame ends 12 bytes into the IPv4 header (generate() cuts it).
                beginIpv4(hostMac(client), client, RESOLVER_ADDRESS, DemoFrames.PROTOCOL_UDP, 64);
                frames.udp(50_000 + random.nextInt(10_000), 53);
                dnsMessage(random.nextInt(0x10000), false, server);
                frames.finish();
                return Kind.BROKEN_TRUNCATED_IPV4;
            }
            case 1 ->
            {
                beginIpv4(hostMac(client), client, serverAddress[server], DemoFrames.PROTOCOL_TCP, 64);
                frames.tcp(40_000 + random.nextInt(20_000), 443, random.nextLong() & 0xFFFF_FFFFL, 0, TCP_SYN, 64_240);
                frames.finish();
                frames.corrupt(0, 0x43);
                return Kind.BROKEN_BAD_IHL;
            }
            case 2 ->
            {
                // An IPv4 packet whose payload holds only 12 of the TCP header's 20 bytes.
                beginIpv4(hostMac(client), client, serverAddress[server], DemoFrames.PROTOCOL_TCP, 64);
                frames.putShort(40_000 + random.nextInt(20_000)).putShort(443).putInt((int)random.nextLong()).putInt(0);
                frames.finish();
                return Kind.BROKEN_TRUNCATED_TCP;
            }
            default ->
            {
                beginIpv4(hostMac(client), client, RESOLVER_ADDRESS, DemoFrames.PROTOCOL_UDP, 64);
                frames.udp(50_000 + random.nextInt(10_000), 53);
                dnsMessage(random.nextInt(0x10000), false, server);
                frames.finish();
                frames.patchShort(frames.l4Offset() + 4, 4);
                return Kind.BROKEN_BAD_UDP_LENGTH;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private void beginIp(final Flow flow, final boolean fromClient, final boolean ipv6, final int protocol)
    {
        if (ipv6)
        {
            final long clientLow = flow.client & 0xFFFF_FFFFL;
            final int server = flow.server;
            if (fromClient)
            {
                frames.beginEthernet(ROUTER_MAC, hostMac(flow.client), -1, DemoFrames.ETHER_TYPE_IPV6)
                    .ipv6(SITE_IPV6_HIGH, clientLow, serverIpv6High[server], serverIpv6Low[server], protocol, 64,
                        flow.clientPort);
            }
            else
            {
                frames.beginEthernet(hostMac(flow.client), ROUTER_MAC, -1, DemoFrames.ETHER_TYPE_IPV6)
                    .ipv6(serverIpv6High[server], serverIpv6Low[server], SITE_IPV6_HIGH, clientLow, protocol,
                        serverTtl[server], flow.clientPort);
            }
        }
        else if (fromClient)
        {
            frames.beginEthernet(ROUTER_MAC, hostMac(flow.client), flow.vlan, DemoFrames.ETHER_TYPE_IPV4)
                .ipv4(flow.client, serverAddress[flow.server], protocol, 64, nextIdentification());
        }
        else
        {
            frames.beginEthernet(hostMac(flow.client), ROUTER_MAC, flow.vlan, DemoFrames.ETHER_TYPE_IPV4)
                .ipv4(serverAddress[flow.server], flow.client, protocol, serverTtl[flow.server], nextIdentification());
        }
    }

    private void beginIpv4(final long sourceMac, final int source, final int destination, final int protocol, final int ttl)
    {
        final long destinationMac = sourceMac == ROUTER_MAC ? hostMac(destination) : ROUTER_MAC;
        frames.beginEthernet(destinationMac, sourceMac, -1, DemoFrames.ETHER_TYPE_IPV4)
            .ipv4(source, destination, protocol, ttl, nextIdentification());
    }

    private int internalHost()
    {
        return address(10, 20, 1 + random.nextInt(8), 10 + random.nextInt(240));
    }

    private int nextIdentification()
    {
        identification = (identification + 1 + random.nextInt(8)) & 0xFFFF;
        return identification;
    }

    private void randomPayload(final int bytes)
    {
        int left = bytes;
        while (left > 0)
        {
            final int chunk = Math.min(left, 1_024);
            frames.payload(randomPool, random.nextInt(RANDOM_POOL_BYTES - chunk), chunk);
            left -= chunk;
        }
    }

    /** Locally administered MAC derived from the host's IPv4 address (or IPv6 interface id). */
    private static long hostMac(final int address)
    {
        return 0x0200_0000_0000L | (address & 0xFFFF_FFFFL);
    }

    private static int address(final int a, final int b, final int c, final int d)
    {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    /** SplitMix64: small, fast, and specified here, so the demo capture never depends on a JDK's generator. */
    private static final class SplitMix64
    {
        private long state;

        SplitMix64(final long seed)
        {
            state = seed;
        }

        long nextLong()
        {
            long z = (state += 0x9e37_79b9_7f4a_7c15L);
            z = (z ^ (z >>> 30)) * 0xbf58_476d_1ce4_e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d0_49bb_1331_11ebL;
            return z ^ (z >>> 31);
        }

        int nextInt(final int bound)
        {
            return (int)(((nextLong() >>> 33) * bound) >>> 31);
        }

        double nextDouble()
        {
            return (nextLong() >>> 11) * 0x1.0p-53;
        }
    }
}
