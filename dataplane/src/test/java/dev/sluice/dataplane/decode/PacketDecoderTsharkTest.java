package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.decode.GoldenPackets.Golden;
import dev.sluice.dataplane.decode.TsharkKnownDifferences.Known;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.Tshark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Differential test: every packet of every capture in the shared {@code pcap/zeek} and
 * {@code pcap/arkime} folders, and every golden packet, is decoded by Sluice through
 * {@link CaptureDecode} and printed by {@link FieldText} (the code path of
 * {@code sluice decode}), dissected by tshark once per capture (with
 * {@link Tshark#PER_PACKET_PREFERENCES}), and the two must agree on every field of
 * {@link TsharkExpectations#COMPARED}, mapped as {@link TsharkExpectations} describes. Every
 * packet tshark finds malformed, or raises an expert error on, must be a Sluice drop; every
 * Sluice drop but {@link DropReason#SNAPLEN_TRUNCATED} must be such a packet. Captures whose
 * link type Sluice does not decode must give {@link DropReason#UNSUPPORTED_LINK_TYPE} for every
 * packet.
 * <p>
 * Each intentional difference is listed in {@link TsharkKnownDifferences} with its capture,
 * frames, fields and reason; a listed difference that no longer happens on one of its frames
 * fails the test too, so the list stays exact.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PacketDecoderTsharkTest
{
    /** Pseudo-field of a packet tshark flags as malformed or erroneous and Sluice decodes. */
    static final String TSHARK_ERROR_NOT_DROPPED = "tshark-error-not-dropped";
    /** Pseudo-field of a packet Sluice drops as malformed and tshark does not flag. */
    static final String DROPPED_WITHOUT_TSHARK_ERROR = "dropped-without-tshark-error";

    /**
     * Drops inside IPv6 extension headers, which leave {@code ip.proto} at the header that
     * failed; tshark follows the next-header field of that header anyway.
     */
    private static final java.util.Set<DropReason> EXTENSION_HEADER_DROPS = java.util.EnumSet.of(
        DropReason.TRUNCATED_IPV6_EXTENSION, DropReason.IPV6_MISPLACED_HOP_BY_HOP, DropReason.IPV6_BAD_OPTION_LENGTH,
        DropReason.TRUNCATED_AH);

    private static final FieldText TEXT = FieldText.of(TsharkExpectations.COMPARED);
    private static final DropReason[] REASONS = DropReason.values();

    private static ExecutorService tsharkRunner;
    private static final Map<String, Future<List<Tshark.Packet>>> TSHARK = new ConcurrentHashMap<>();
    private static final Map<String, String> SUMMARY = new TreeMap<>();
    /** Per compared field, how many packets had a value that both sides agreed on: no mapping may be vacuous. */
    private static final Map<String, Integer> AGREED = new ConcurrentHashMap<>();

    /** One difference between Sluice and tshark. */
    record Difference(int frame, String field, String tshark, String sluice)
    {
        @Override
        public String toString()
        {
            return "frame " + frame + " " + field + ": tshark " + tshark + ", Sluice " + sluice;
        }
    }

    /** What Sluice made of one packet: the compared fields' text and the drop reason. */
    record SluicePacket(int number, Map<String, String> values, DropReason drop)
    {
    }

    /** Every capture in the shared zeek and arkime folders, as {@code folder/file}. */
    static List<String> captures()
    {
        final List<String> captures = new ArrayList<>();
        for (final String folder : List.of("zeek", "arkime"))
        {
            try (Stream<Path> files = Files.list(SharedData.root().resolve("pcap").resolve(folder)))
            {
                files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".pcap") || name.endsWith(".pcapng"))
                    .sorted()
                    .forEach(name -> captures.add(folder + "/" + name));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        return captures;
    }

    /** Starts tshark on every capture, two at a time, so the per-capture tests mostly find their output ready. */
    @BeforeAll
    static void startTshark()
    {
        Tshark.executable();
        tsharkRunner = Executors.newFixedThreadPool(2, runnable ->
        {
            final Thread thread = new Thread(runnable, "tshark-runner");
            thread.setDaemon(true);
            return thread;
        });
        for (final String capture : captures())
        {
            TSHARK.put(capture, tsharkRunner.submit(() -> Tshark.fields(
                SharedData.pcap(capture), TsharkExpectations.TSHARK_FIELDS, Tshark.PER_PACKET_PREFERENCES)));
        }
    }

    @AfterAll
    static void stopTsharkAndPrintSummary()
    {
        tsharkRunner.shutdownNow();
        SUMMARY.forEach((file, line) -> System.out.println(file + ": " + line));
        System.out.println("values agreed per field: " + new TreeMap<>(AGREED));
        if (SUMMARY.keySet().containsAll(captures()))
        {
            final List<String> neverSeen = TsharkExpectations.COMPARED.stream()
                .filter(field -> AGREED.getOrDefault(field, 0) == 0).toList();
            assertTrue(neverSeen.isEmpty(), "fields that no shared capture exercised: " + neverSeen);
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void decodesLikeTshark(final String capture) throws Exception
    {
        final Path file = SharedData.pcap(capture);
        final List<SluicePacket> sluice = new ArrayList<>();
        final CaptureDecode.Summary summary = decode(file, sluice);
        final List<Tshark.Packet> tshark = tshark(capture);
        assertTrue(summary.complete() || TsharkKnownDifferences.CUT_SHORT.containsKey(capture),
            capture + ": the source stopped early: " + summary.problem());

        final String unsupported = TsharkKnownDifferences.UNSUPPORTED_LINK_TYPES.get(capture);
        if (null != unsupported)
        {
            assertEquals(tshark.size(), sluice.size(), capture + ": packets read by tshark and by Sluice");
            for (int i = 0; i < sluice.size(); i++)
            {
                assertEquals(DropReason.UNSUPPORTED_LINK_TYPE, sluice.get(i).drop(), capture + " frame " + (i + 1));
                assertEquals(tshark.get(i).first("frame.len"), sluice.get(i).values().get("frame.len"));
            }
            SUMMARY.put(capture, sluice.size() + " packets of an unsupported link type (" + unsupported + ")");
            return;
        }
        check(capture, sluice, tshark, TsharkKnownDifferences.of(capture));
    }

    @Test
    void everyDocumentedDifferenceNamesACapture()
    {
        final List<String> captures = captures();
        for (final Known known : TsharkKnownDifferences.KNOWN)
        {
            assertTrue(captures.contains(known.capture()), "no such capture: " + known.capture());
        }
        for (final String capture : TsharkKnownDifferences.UNSUPPORTED_LINK_TYPES.keySet())
        {
            assertTrue(captures.contains(capture), "no such capture: " + capture);
        }
        for (final String capture : TsharkKnownDifferences.CUT_SHORT.keySet())
        {
            assertTrue(captures.contains(capture), "no such capture: " + capture);
        }
    }

    @Test
    void goldenPacketsDecodeLikeTshark(@TempDir final Path directory) throws IOException
    {
        final Map<Integer, List<Golden>> byLinkType = new LinkedHashMap<>();
        for (final Golden golden : GoldenPackets.ALL)
        {
            byLinkType.computeIfAbsent(golden.linkType(), ignored -> new ArrayList<>()).add(golden);
        }
        for (final Map.Entry<Integer, List<Golden>> entry : byLinkType.entrySet())
        {
            final List<Golden> goldens = entry.getValue();
            final Path file = directory.resolve("golden-" + entry.getKey() + ".pcap");
            try (CaptureFileWriter writer = CaptureFileWriter.create(file, entry.getKey(), CaptureFileWriter.Precision.NANOSECONDS))
            {
                for (int i = 0; i < goldens.size(); i++)
                {
                    final byte[] bytes = goldens.get(i).bytes();
                    writer.write(1_700_000_000_000_000_000L + i, bytes, 0, goldens.get(i).capturedLength(), bytes.length);
                }
            }
            final List<SluicePacket> sluice = new ArrayList<>();
            decode(file, sluice);
            final List<Known> known = new ArrayList<>();
            for (int i = 0; i < goldens.size(); i++)
            {
                assertEquals(goldens.get(i).drop(), sluice.get(i).drop(), goldens.get(i).name());
                final Known golden = TsharkKnownDifferences.GOLDEN.get(goldens.get(i).name());
                if (null != golden)
                {
                    known.add(new Known("golden", golden.fields(), java.util.Set.of(i + 1), golden.why()));
                }
            }
            if (entry.getKey() == dev.sluice.dataplane.source.LinkType.NULL)
            {
                continue;
            }
            check("golden link type " + entry.getKey(), sluice,
                Tshark.fields(file, TsharkExpectations.TSHARK_FIELDS, Tshark.PER_PACKET_PREFERENCES), known);
        }
    }

    private static CaptureDecode.Summary decode(final Path file, final List<SluicePacket> packets) throws IOException
    {
        return CaptureDecode.run(file, (number, packet) ->
        {
            final Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < TEXT.fields().size(); i++)
            {
                values.put(TEXT.fields().get(i), TEXT.value(i, packet, number));
            }
            packets.add(new SluicePacket(
                (int)number, values, packet.isDropped() ? REASONS[packet.dropReasonOrdinal()] : null));
        });
    }

    private static List<Tshark.Packet> tshark(final String capture) throws InterruptedException
    {
        try
        {
            return TSHARK.get(capture).get();
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof Error error)
            {
                throw error;
            }
            throw new IllegalStateException("tshark on " + capture, ex.getCause());
        }
    }

    /** Compares every packet, then holds the differences to the documented ones, both ways. */
    static void check(
        final String name, final List<SluicePacket> sluice, final List<Tshark.Packet> tshark, final List<Known> known)
    {
        assertEquals(tshark.size(), sluice.size(), name + ": packets read by tshark and by Sluice");
        final List<Difference> differences = new ArrayList<>();
        final Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);
        int tsharkErrors = 0;
        int tunnelled = 0;
        for (int i = 0; i < sluice.size(); i++)
        {
            final SluicePacket packet = sluice.get(i);
            final Tshark.Packet dissected = tshark.get(i);
            differences.addAll(compare(packet, dissected));
            if (null != packet.drop())
            {
                drops.merge(packet.drop(), 1, Integer::sum);
            }
            tsharkErrors += dissected.malformedOrError() ? 1 : 0;
            tunnelled += packet.values().get("inner.ip.version").isEmpty() ? 0 : 1;
        }

        final List<String> unexpected = new ArrayList<>();
        for (final Difference difference : differences)
        {
            if (known.stream().noneMatch(k -> k.frames().contains(difference.frame()) && k.fields().contains(difference.field())))
            {
                unexpected.add(difference.toString());
            }
        }
        for (final Known k : known)
        {
            for (final int frame : k.frames())
            {
                if (differences.stream().noneMatch(d -> d.frame() == frame && k.fields().contains(d.field())))
                {
                    unexpected.add("documented difference no longer happens: frame " + frame + " " + k.fields() +
                        " (" + k.why() + ")");
                }
            }
        }
        SUMMARY.put(name, sluice.size() + " packets, " + tunnelled + " with an inner IP layer, tshark errors " +
            tsharkErrors + ", Sluice drops " + drops + ", documented differences " +
            known.stream().mapToInt(k -> k.frames().size()).sum() + " frames");
        if (!unexpected.isEmpty())
        {
            fail(name + ":\n  " + unexpected.stream().collect(Collectors.joining("\n  ")));
        }
    }

    private static List<Difference> compare(final SluicePacket sluice, final Tshark.Packet tshark)
    {
        final List<Difference> differences = new ArrayList<>();
        final int frame = tshark.number();
        final boolean dropped = null != sluice.drop();
        final Map<String, String> expected = TsharkExpectations.expected(tshark);
        for (final Map.Entry<String, String> entry : expected.entrySet())
        {
            final String field = entry.getKey();
            final String want = entry.getValue();
            final String text = sluice.values().get(field);
            final String got = text.isEmpty() ? null : text;
            if (TsharkExpectations.UNKNOWN.equals(want) || (dropped && null == got) ||
                (dropped && EXTENSION_HEADER_DROPS.contains(sluice.drop()) && field.endsWith("ip.proto")))
            {
                // Not comparable, or Sluice stopped before this field: the drop itself is checked below.
                continue;
            }
            if (!Objects.equals(want, got))
            {
                differences.add(new Difference(frame, field, want, got));
            }
            else if (null != want)
            {
                AGREED.merge(field, 1, Integer::sum);
            }
        }

        final boolean tsharkError = tshark.malformedOrError();
        if (tsharkError && !dropped)
        {
            differences.add(new Difference(frame, TSHARK_ERROR_NOT_DROPPED,
                String.join(" | ", tshark.all("_ws.expert.message")) + " (" + tshark.first("frame.protocols") + ")",
                "decoded"));
        }
        if (dropped && sluice.drop() != DropReason.SNAPLEN_TRUNCATED && !tsharkError)
        {
            differences.add(new Difference(frame, DROPPED_WITHOUT_TSHARK_ERROR,
                "no error (" + tshark.first("frame.protocols") + ")", sluice.drop().toString()));
        }
        return differences;
    }
}
