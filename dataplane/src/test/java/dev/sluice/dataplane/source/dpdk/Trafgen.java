package dev.sluice.dataplane.source.dpdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Runs sluice-trafgen (perf/native/sluice_trafgen.c) as a second process for the DPDK tests that
 * inject traffic from outside the JVM. The dataplane's build compiles it into target/native-tools
 * and Surefire names it with {@value #BINARY_PROP_NAME}. (perf's TrafficGenerator is the full
 * wrapper; perf builds after dataplane, so these tests cannot use it.)
 * <p>
 * Synthesized IPv4/UDP packets without VLAN tags carry "SLG1" and a 64-bit big-endian sequence
 * number at the start of the UDP payload: {@link #sequence(byte[])} reads it back.
 */
final class Trafgen
{
    static final String BINARY_PROP_NAME = "sluice.trafgen.binary";
    /** Every generator runs side by side with the test JVM's EAL: no hugepages, no shared runtime files. */
    static final List<String> EAL_ARGS =
        List.of("--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--no-telemetry", "--log-level=warning");
    private static final int MAGIC_OFFSET = 14 + 20 + 8;
    private static final int SEQUENCE_OFFSET = MAGIC_OFFSET + 4;
    private static final int MAGIC = ('S' << 24) | ('L' << 16) | ('G' << 8) | '1';

    private Trafgen()
    {
    }

    /** The generator binary; skips, or fails when DPDK tests are required, when it was not built. */
    static Path binary()
    {
        DpdkTesting.requireShim();
        final String configured = System.getProperty(BINARY_PROP_NAME, "");
        final Path binary = Path.of(configured.isEmpty() ? "target/native-tools/sluice-trafgen" : configured);
        if (!Files.isExecutable(binary))
        {
            final String reason = "sluice-trafgen not built at " + binary.toAbsolutePath() +
                ": install gcc, pkg-config and libdpdk-dev (apt-get install gcc pkg-config libdpdk-dev) and rebuild";
            if (Boolean.getBoolean(DpdkTesting.REQUIRED_PROP_NAME))
            {
                fail(reason);
            }
            abort(reason);
        }
        return binary;
    }

    /**
     * Starts the generator: {@code prefix} (e.g. {@code ip netns exec NS}), the binary, its EAL
     * arguments, {@code --vdev vdev}, then {@code --} and {@code args}. Output goes to {@code log}.
     */
    static Process start(final List<String> prefix, final String vdev, final List<String> args, final Path log)
        throws IOException
    {
        final List<String> command = new ArrayList<>(prefix);
        command.add(binary().toString());
        command.addAll(EAL_ARGS);
        command.add("--vdev");
        command.add(vdev);
        command.add("--");
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits for the generator and fails with its output unless it exited 0; returns the output. */
    static String await(final Process process, final Path log, final long timeoutSeconds) throws Exception
    {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor();
            fail("sluice-trafgen did not finish within " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        final String output = Files.readString(log);
        if (process.exitValue() != 0)
        {
            fail("sluice-trafgen exited with " + process.exitValue() + ":\n" + output);
        }
        return output;
    }

    /** The sequence number of a synthesized IPv4/UDP frame, or -1 when the frame is not one (kernel noise). */
    static long sequence(final byte[] frame)
    {
        if (frame.length < SEQUENCE_OFFSET + Long.BYTES || intAt(frame, MAGIC_OFFSET) != MAGIC)
        {
            return -1;
        }
        return ((long)intAt(frame, SEQUENCE_OFFSET) << 32) | (intAt(frame, SEQUENCE_OFFSET + 4) & 0xFFFF_FFFFL);
    }

    private static int intAt(final byte[] bytes, final int offset)
    {
        return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) |
            ((bytes[offset + 2] & 0xff) << 8) | (bytes[offset + 3] & 0xff);
    }
}
