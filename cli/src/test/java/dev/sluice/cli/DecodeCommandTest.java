package dev.sluice.cli;

import dev.sluice.cli.demo.DemoTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sluice decode}: its output for people, its usage errors, and captures that are damaged. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DecodeCommandTest
{
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    @Test
    void printsOneLinePerPacketThenTheSummary(@TempDir final Path directory) throws IOException
    {
        final Path capture = directory.resolve("demo.pcap");
        final DemoTraffic.Summary written = DemoTraffic.write(capture, 2_000, 3);

        assertEquals(0, run("decode", capture.toString()));
        final List<String> lines = out();
        final List<String> packets = lines.subList(1, 1 + written.packets());
        assertAll(
            () -> assertEquals(String.join("\t", dev.sluice.dataplane.decode.FieldText.DEFAULT_FIELDS), lines.get(0)),
            () -> assertTrue(packets.stream().noneMatch(line -> line.startsWith("#"))),
            () -> assertEquals("1", packets.get(0).split("\t", -1)[0]),
            () -> assertTrue(packets.stream().allMatch(line -> line.split("\t", -1).length ==
                dev.sluice.dataplane.decode.FieldText.DEFAULT_FIELDS.size())),
            () -> assertEquals("# packets: " + written.packets() + ", decoded: " + (written.packets() - written.broken()) +
                ", dropped: " + written.broken(), lines.get(1 + written.packets())),
            () -> assertTrue(lines.getLast().startsWith("# read the whole file: "), lines.getLast()),
            () -> assertEquals("", err()));
    }

    @Test
    void printsTheRequestedFieldsOfTunnelledPacketsLikeTshark()
    {
        final Path capture = sharedCapture("zeek/tunnels_vxlan.pcap");
        assertEquals(0, run("decode", capture.toString(), "--fields",
            "frame.number, vxlan.vni,tunnel.type,tunnel.depth,ip.src,inner.ip.src,inner.ip.dst,icmp.type,udp.port"));
        final List<String> lines = out();
        assertAll(
            () -> assertEquals("frame.number\tvxlan.vni\ttunnel.type\ttunnel.depth\tip.src\tinner.ip.src\tinner.ip.dst\t" +
                "icmp.type\tudp.port", lines.get(0)),
            () -> assertEquals("1\t123\tvxlan\t1\t192.168.56.11\t\t\t\t39924,4789", lines.get(1)),
            () -> assertTrue(lines.contains("# tunnels (outermost): vxlan 10"), String.join("\n", lines)));
    }

    @Test
    void anUnknownFieldIsAUsageErrorListingTheKnownOnes(@TempDir final Path directory) throws IOException
    {
        final Path capture = directory.resolve("demo.pcap");
        DemoTraffic.write(capture, 10, 3);
        assertEquals(2, run("decode", capture.toString(), "--fields", "ip.src,ip.source,gtp.tied"));
        assertAll(
            () -> assertEquals("", outBytes.toString(StandardCharsets.UTF_8)),
            () -> assertTrue(err().startsWith("sluice decode: unknown fields ip.source, gtp.tied; known fields: frame.len,"),
                err()),
            () -> assertTrue(err().contains("gtp.teid") && err().contains("inner.ip.src") && err().contains("tls.sni"),
                err()));
    }

    @Test
    void aCaptureCutShortIsPrintedUpToTheDamageAndSaysWhere(@TempDir final Path directory) throws IOException
    {
        final Path whole = directory.resolve("whole.pcap");
        DemoTraffic.write(whole, 100, 3);
        final byte[] bytes = Files.readAllBytes(whole);
        final Path cut = directory.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));

        assertEquals(1, run("decode", cut.toString(), "--fields", "frame.number"));
        final List<String> lines = out();
        assertAll(
            () -> assertEquals("99", lines.get(99)),
            () -> assertEquals("# packets: 99, decoded: 99, dropped: 0", lines.get(100)),
            () -> assertTrue(lines.getLast().startsWith("# stopped at byte ") && lines.getLast().contains(" after 99 packets: "),
                lines.getLast()));
    }

    @Test
    void aFileThatIsNotACaptureOrIsMissingIsReportedNotThrown(@TempDir final Path directory) throws IOException
    {
        final Path text = Files.writeString(directory.resolve("notes.txt"), "not a capture at all\n");
        assertEquals(1, run("decode", text.toString()));
        assertTrue(err().contains("is not a pcap or pcapng capture"), err());

        errBytes.reset();
        assertEquals(1, run("decode", directory.resolve("missing.pcap").toString()));
        assertTrue(err().endsWith("missing.pcap: no such file" + System.lineSeparator()), err());

        errBytes.reset();
        assertEquals(2, run("decode"));
        assertTrue(err().contains("decode: missing CAPTURE"), err());
    }

    private int run(final String... args)
    {
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8))
        {
            return SluiceCommand.run(List.of(args), out, err);
        }
    }

    private List<String> out()
    {
        return new ArrayList<>(outBytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private String err()
    {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private static Path sharedCapture(final String relativePath)
    {
        final Path file = Path.of(System.getProperty("sluice.shared.data"), "pcap", relativePath);
        assertTrue(Files.isRegularFile(file), "shared capture missing: " + file);
        return file;
    }
}
