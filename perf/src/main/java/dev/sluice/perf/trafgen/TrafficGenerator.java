package dev.sluice.perf.trafgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code sluice-trafgen} (perf/native/sluice_trafgen.c) as a child process, so tests
 * can push traffic into a DPDK port from another process: a memif the gateway reads, an
 * af_packet port on a veth, or a pcap vdev that writes a file.
 *
 * <pre>{@code
 * TrafficGenerator.Result result = TrafficGenerator.builder()
 *     .txPcap(directory.resolve("out.pcap"))
 *     .synth(1_000)
 *     .flows(4)
 *     .build()
 *     .run();
 * }</pre>
 *
 * Synthesized packets carry "SLG1" and a 64-bit big-endian sequence number at the start of
 * the UDP payload ({@link #SYNTH_MAGIC}, {@link #synthSequence}). Not for the data path:
 * it allocates freely.
 */
public final class TrafficGenerator
{
    /** System property naming the generator binary; otherwise {@link #locateBinary()} looks in perf/target/native. */
    public static final String BINARY_PROP_NAME = "sluice.trafgen.binary";
    public static final String BINARY_NAME = "sluice-trafgen";

    /**
     * EAL arguments that work on any machine this project runs on: no hugepages, no PCI scan,
     * no shared config files (so several generators and receivers run side by side).
     */
    public static final List<String> DEFAULT_EAL_ARGS =
        List.of("--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--log-level=warning");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** First bytes of every synthesized UDP payload, followed by the sequence number. */
    public static final byte[] SYNTH_MAGIC = "SLG1".getBytes(StandardCharsets.US_ASCII);
    public static final int SYNTH_SEQUENCE_OFFSET = 4;

    private static final Pattern SUMMARY = Pattern.compile("^sluice-trafgen: mode=.*$", Pattern.MULTILINE);
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");
    private static final int ETHERNET_HEADER_LENGTH = 14;
    private static final int ETHER_TYPE_OFFSET = 12;
    private static final int ETHER_TYPE_VLAN = 0x8100;
    private static final int ETHER_TYPE_IPV4 = 0x0800;
    private static final int ETHER_TYPE_IPV6 = 0x86dd;
    private static final int VLAN_TAG_LENGTH = 4;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int UDP_HEADER_LENGTH = 8;
    private static final int SYNTH_HEADER_LENGTH = 12;

    private final List<String> command;
    private final Duration timeout;
    private final Path binary;

    private TrafficGenerator(final Path binary, final List<String> command, final Duration timeout)
    {
        this.binary = binary;
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * The generator binary: {@value #BINARY_PROP_NAME} when set, else target/native/sluice-trafgen
     * under perf/ seen from the working directory (a module directory or the project root).
     * Empty when none is built.
     */
    public static Optional<Path> locateBinary()
    {
        final String configured = System.getProperty(BINARY_PROP_NAME);
        if (configured != null && !configured.isBlank())
        {
            final Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        for (final String candidate : List.of(
            "target/native/" + BINARY_NAME, "perf/target/native/" + BINARY_NAME, "../perf/target/native/" + BINARY_NAME))
        {
            final Path path = Path.of(candidate).toAbsolutePath().normalize();
            if (Files.isExecutable(path) && path.getParent().getParent().getParent().getFileName().toString().equals("perf"))
            {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    /** What to tell someone whose machine has no generator binary. */
    public static String missingBinaryMessage()
    {
        return BINARY_NAME + " is not built: install DPDK and a compiler (apt-get install libdpdk-dev gcc pkg-config), "
            + "then build perf (mvn -pl perf -am package) or run perf/native/build.sh; or set -D" + BINARY_PROP_NAME
            + "=PATH";
    }

    /**
     * The sequence number of a synthesized packet, or -1 when the frame is not one
     * (Ethernet, optional 802.1Q tags, IPv4 or IPv6, UDP, "SLG1").
     */
    public static long synthSequence(final byte[] frame)
    {
        int offset = ETHERNET_HEADER_LENGTH;
        if (frame.length < offset)
        {
            return -1;
        }
        int etherType = unsignedShort(frame, ETHER_TYPE_OFFSET);
        while (etherType == ETHER_TYPE_VLAN && offset + VLAN_TAG_LENGTH <= frame.length)
        {
            etherType = unsignedShort(frame, offset + 2);
            offset += VLAN_TAG_LENGTH;
        }
        if (etherType == ETHER_TYPE_IPV4 && offset < frame.length)
        {
            offset += (frame[offset] & 0x0f) * 4;
        }
        else if (etherType == ETHER_TYPE_IPV6)
        {
            offset += IPV6_HEADER_LENGTH;
        }
        else
        {
            return -1;
        }
        offset += UDP_HEADER_LENGTH;
        if (offset + SYNTH_HEADER_LENGTH > frame.length
            || !Arrays.equals(frame, offset, offset + SYNTH_MAGIC.length, SYNTH_MAGIC, 0, SYNTH_MAGIC.length))
        {
            return -1;
        }
        long sequence = 0;
        for (int i = 0; i < Long.BYTES; i++)
        {
            sequence = (sequence << Byte.SIZE) | (frame[offset + SYNTH_SEQUENCE_OFFSET + i] & 0xff);
        }
        return sequence;
    }

    /** The full command line, for logs and failure messages. */
    public List<String> command()
    {
        return command;
    }

    /** Runs the generator to the end and returns its summary; throws when it fails or times out. */
    public Result run() throws IOException, InterruptedException
    {
        try (Running running = start())
        {
            return running.await();
        }
    }

    /**
     * Starts the generator and returns at once, for receivers that must run at the same time
     * (a memif peer). Close the handle to kill a generator that is still running.
     */
    public Running start() throws IOException
    {
        if (!Files.isExecutable(binary))
        {
            throw new IllegalStateException(missingBinaryMessage() + " (looked for " + binary + ")");
        }
        final Path output = Files.createTempFile("sluice-trafgen-", ".out");
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
        return new Running(process, output, command, timeout);
    }

    /** A generator process that was started; {@link #await()} waits for its summary. */
    public static final class Running implements AutoCloseable
    {
        private final Process process;
        private final Path output;
        private final List<String> command;
        private final Duration timeout;

        private Running(final Process process, final Path output, final List<String> command, final Duration timeout)
        {
            this.process = process;
            this.output = output;
            this.command = command;
            this.timeout = timeout;
        }

        /** True while the generator process runs. */
        public boolean isAlive()
        {
            return process.isAlive();
        }

        /**
         * Waits until a Unix socket bound to {@code socket} is listening (the generator as memif server
         * has probed its port), so a memif client started afterwards is not turned away: a DPDK memif
         * client tries to connect once, when its port starts.
         *
         * @return false when the generator ended or {@code timeout} passed first.
         */
        public boolean awaitListening(final Path socket, final Duration timeout) throws IOException, InterruptedException
        {
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && process.isAlive())
            {
                if (isListening(socket))
                {
                    return true;
                }
                Thread.sleep(10);
            }
            return false;
        }

        /**
         * /proc/net/unix lists a listening socket (flag __SO_ACCEPTCON, 00010000) with its path last, prefixed
         * by '@' when abstract (DPDK's memif default).
         */
        private static boolean isListening(final Path socket) throws IOException
        {
            final String file = " " + socket.toAbsolutePath();
            final String abstractName = " @" + socket.toAbsolutePath();
            try (var lines = Files.lines(Path.of("/proc/net/unix")))
            {
                return lines.anyMatch(line -> line.contains(" 00010000 ") &&
                    (line.endsWith(file) || line.endsWith(abstractName)));
            }
        }

        /** Waits up to the builder's timeout for the generator to finish and parses its summary line. */
        public Result await() throws IOException, InterruptedException
        {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(BINARY_NAME + " did not finish within " + timeout + ": "
                    + String.join(" ", command) + "\n" + Files.readString(output));
            }
            final String text = Files.readString(output);
            final int exitCode = process.exitValue();
            if (exitCode != 0)
            {
                throw new IllegalStateException(BINARY_NAME + " exited with " + exitCode + ": "
                    + String.join(" ", command) + "\n" + text);
            }
            return Result.parse(text);
        }

        @Override
        public void close() throws IOException
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
            }
            Files.deleteIfExists(output);
        }
    }

    /**
     * The generator's summary.
     *
     * @param packetsSent packets the port accepted
     * @param bytesSent   bytes of those packets
     * @param txFailed    packets freed after the port refused them --max-retries times
     * @param txRetries   tx bursts the port took only partly
     * @param elapsedSeconds time from the first to the last tx burst
     * @param packetsPerSecond packetsSent / elapsedSeconds
     * @param output      everything the generator printed
     */
    public record Result(
        long packetsSent, long bytesSent, long txFailed, long txRetries, double elapsedSeconds, double packetsPerSecond,
        String output)
    {
        static Result parse(final String output)
        {
            final Matcher line = SUMMARY.matcher(output);
            if (!line.find())
            {
                throw new IllegalStateException(BINARY_NAME + " printed no summary line:\n" + output);
            }
            final Map<String, String> fields = new HashMap<>();
            final Matcher field = FIELD.matcher(line.group());
            while (field.find())
            {
                fields.put(field.group(1), field.group(2));
            }
            return new Result(
                Long.parseLong(required(fields, "packets_sent", output)),
                Long.parseLong(required(fields, "bytes_sent", output)),
                Long.parseLong(required(fields, "tx_failed", output)),
                Long.parseLong(required(fields, "tx_retries", output)),
                Double.parseDouble(required(fields, "elapsed_s", output)),
                Double.parseDouble(required(fields, "pps", output)),
                output);
        }

        private static String required(final Map<String, String> fields, final String name, final String output)
        {
            final String value = fields.get(name);
            if (value == null)
            {
                throw new IllegalStateException(BINARY_NAME + " summary has no " + name + ":\n" + output);
            }
            return value;
        }
    }

    /** Collects the generator's settings; {@link #build()} checks them all at once. */
    public static final class Builder
    {
        private Path binary;
        private List<String> ealArgs = DEFAULT_EAL_ARGS;
        private String vdev;
        private String portName;
        private String networkNamespace;
        private Path replayFile;
        private long loops = 1;
        private boolean synth;
        private long count = -1;
        private int frameLength = 64;
        private int flows = 1;
        private int vlanEvery;
        private int ipv6Every;
        private long ratePps;
        private int burst = 32;
        private long lingerMs;
        private long linkWaitMs = -1;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder()
        {
        }

        /** The binary to run; default {@link #locateBinary()}. */
        public Builder binary(final Path binary)
        {
            this.binary = binary;
            return this;
        }

        /** EAL arguments before the tx vdev; default {@link #DEFAULT_EAL_ARGS}. */
        public Builder ealArgs(final List<String> ealArgs)
        {
            this.ealArgs = List.copyOf(ealArgs);
            return this;
        }

        /** Transmit into a pcap vdev that writes this file. */
        public Builder txPcap(final Path file)
        {
            return vdevArgs("net_pcap", "tx_pcap=" + file.toAbsolutePath());
        }

        /** Transmit into a memif; the generator usually plays server, the receiver client. */
        public Builder memif(final Path socket, final boolean server)
        {
            return vdevArgs("net_memif", "role=" + (server ? "server" : "client") + ",socket=" + socket.toAbsolutePath());
        }

        /** Transmit through AF_PACKET on a kernel interface (one end of a veth pair). */
        public Builder afPacket(final String interfaceName)
        {
            return vdevArgs("net_af_packet", "iface=" + interfaceName);
        }

        /** Any other tx vdev: the driver name (net_ring, net_tap, ...) and its devargs. */
        public Builder vdevArgs(final String driver, final String devargs)
        {
            this.portName = driver + "0";
            this.vdev = portName + (devargs.isEmpty() ? "" : "," + devargs);
            return this;
        }

        /** Runs the generator inside {@code ip netns exec NAME} (the veth end lives there). */
        public Builder networkNamespace(final String name)
        {
            this.networkNamespace = name;
            return this;
        }

        /** Replays a pcap or pcapng capture (Ethernet) {@code loops} times (0 = until count). */
        public Builder replay(final Path capture, final long loops)
        {
            this.replayFile = capture;
            this.loops = loops;
            return this;
        }

        /** Synthesizes {@code count} sequenced Ethernet/IPv4/UDP packets (0 = until killed). */
        public Builder synth(final long count)
        {
            this.synth = true;
            this.count = count;
            return this;
        }

        /** Caps the packets offered in replay mode. */
        public Builder count(final long count)
        {
            this.count = count;
            return this;
        }

        /** Frame length of a plain synthesized IPv4 packet, without FCS (VLAN adds 4, IPv6 20). */
        public Builder frameLength(final int frameLength)
        {
            this.frameLength = frameLength;
            return this;
        }

        public Builder flows(final int flows)
        {
            this.flows = flows;
            return this;
        }

        /** Every Kth synthesized packet carries an 802.1Q tag; 0 = none. */
        public Builder vlanEvery(final int k)
        {
            this.vlanEvery = k;
            return this;
        }

        /** Every Kth synthesized packet is IPv6; 0 = none. */
        public Builder ipv6Every(final int k)
        {
            this.ipv6Every = k;
            return this;
        }

        /** Packets per second, paced with the TSC; 0 = as fast as the port takes them. */
        public Builder ratePps(final long ratePps)
        {
            this.ratePps = ratePps;
            return this;
        }

        public Builder burst(final int burst)
        {
            this.burst = burst;
            return this;
        }

        /** Keeps the port open this long after the last packet, so a memif peer can drain it. */
        public Builder lingerMs(final long lingerMs)
        {
            this.lingerMs = lingerMs;
            return this;
        }

        /** How long to wait for the link (a memif peer) before giving up. */
        public Builder linkWaitMs(final long linkWaitMs)
        {
            this.linkWaitMs = linkWaitMs;
            return this;
        }

        public Builder timeout(final Duration timeout)
        {
            this.timeout = timeout;
            return this;
        }

        public TrafficGenerator build()
        {
            final List<String> errors = new ArrayList<>();
            if (vdev == null)
            {
                errors.add("no target: call txPcap, memif, afPacket or vdevArgs");
            }
            if (synth == (replayFile != null))
            {
                errors.add("call exactly one of synth(count) or replay(capture, loops)");
            }
            if (frameLength < 54 || frameLength > 1514)
            {
                errors.add("frameLength must be 54..1514: " + frameLength);
            }
            if (flows < 1 || burst < 1 || burst > 512 || ratePps < 0 || loops < 0 || vlanEvery < 0 || ipv6Every < 0)
            {
                errors.add("flows >= 1, burst 1..512, and rate, loops, vlanEvery, ipv6Every >= 0");
            }
            Objects.requireNonNull(timeout, "timeout");
            if (!errors.isEmpty())
            {
                throw new IllegalArgumentException(String.join("; ", errors));
            }
            final Path resolved = binary != null ? binary
                : locateBinary().orElse(Path.of("perf/target/native/" + BINARY_NAME).toAbsolutePath());

            final List<String> command = new ArrayList<>();
            if (networkNamespace != null)
            {
                command.addAll(List.of("ip", "netns", "exec", networkNamespace));
            }
            command.add(resolved.toString());
            command.addAll(ealArgs);
            command.add("--vdev");
            command.add(vdev);
            command.add("--");
            command.add("--port");
            command.add(portName);
            if (synth)
            {
                command.addAll(List.of("--synth", "--size", Integer.toString(frameLength),
                    "--flows", Integer.toString(flows)));
                if (vlanEvery > 0)
                {
                    command.addAll(List.of("--vlan-every", Integer.toString(vlanEvery)));
                }
                if (ipv6Every > 0)
                {
                    command.addAll(List.of("--ipv6-every", Integer.toString(ipv6Every)));
                }
            }
            else
            {
                command.addAll(List.of("--pcap", replayFile.toAbsolutePath().toString(), "--loop", Long.toString(loops)));
            }
            if (count >= 0)
            {
                command.addAll(List.of("--count", Long.toString(count)));
            }
            command.addAll(List.of("--rate", Long.toString(ratePps), "--burst", Integer.toString(burst)));
            if (lingerMs > 0)
            {
                command.addAll(List.of("--linger-ms", Long.toString(lingerMs)));
            }
            if (linkWaitMs >= 0)
            {
                command.addAll(List.of("--link-wait-ms", Long.toString(linkWaitMs)));
            }
            return new TrafficGenerator(resolved, command, timeout);
        }
    }

    private static int unsignedShort(final byte[] bytes, final int offset)
    {
        return ((bytes[offset] & 0xff) << Byte.SIZE) | (bytes[offset + 1] & 0xff);
    }
}
