package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Anonymizes a packet capture with Crypto-PAn: every IPv4 and IPv6 address of every packet is
 * rewritten in place in the packet's bytes and the checksums covering it are fixed incrementally
 * (see {@link PacketAddressRewriter} for what is rewritten and how). The output has the input's
 * format (pcap in either byte order with micro- or nanosecond timestamps, or pcapng), link types
 * and timestamps; only unanonymizable packets and pcapng blocks that may name addresses
 * ({@link CaptureCompactor}) can be missing from it.
 * <p>
 * Nothing leaves un-anonymized silently: a packet that may still hold an address in clear (the
 * decoder refused it, or it carries a payload that may hide one, see {@link AnonymizeOutcome}) is
 * counted by reason and dropped, or with {@code keepUnanonymizable} written unchanged and still
 * counted. A capture damaged part way is written up to the damage, and the rest is reported in
 * {@link CaptureAnonymizeCounters#problem()}.
 * <p>
 * It reads the capture through {@link CaptureFileSource} over the same memory, a burst at a time.
 * A packet of the common plain shapes (Ethernet, IPv4 or IPv6, TCP or UDP) is rewritten directly
 * ({@link PlainPacketRewriter}); any other is decoded with the {@link PacketDecoder} and rewritten
 * along its header chain ({@link PacketAddressRewriter}), with the same result for the plain ones.
 * Then its record is kept or left out: no allocation, no copy of kept packets when nothing was left
 * out before them.
 * <p>
 * One thread at a time (holds a {@link CryptoPan}, a decoder and a burst).
 */
public final class CaptureAnonymizer
{
    /** Packets decoded per burst. */
    public static final int BURST_CAPACITY = 64;

    private final PacketBurst burst = new PacketBurst(BURST_CAPACITY, 1);
    private final PacketDecoder decoder = new PacketDecoder();
    private final AddressRewriter addresses;
    private final PlainPacketRewriter plainRewriter;
    private final PacketAddressRewriter rewriter;
    private final CaptureCompactor compactor = new CaptureCompactor();
    private final CaptureAnonymizeCounters counters = new CaptureAnonymizeCounters();
    private final boolean keepUnanonymizable;

    /**
     * @param cryptoPan          the key's Crypto-PAn, used by this anonymizer's thread only.
     * @param keepUnanonymizable write packets that could not be fully anonymized unchanged instead of dropping them.
     */
    public CaptureAnonymizer(final CryptoPan cryptoPan, final boolean keepUnanonymizable)
    {
        this.addresses = new AddressRewriter(cryptoPan);
        this.plainRewriter = new PlainPacketRewriter(addresses);
        this.rewriter = new PacketAddressRewriter(addresses);
        this.keepUnanonymizable = keepUnanonymizable;
    }

    /** The counters of the last run; reset when the next one starts. */
    public CaptureAnonymizeCounters counters()
    {
        return counters;
    }

    /**
     * Anonymizes the capture held in {@code capture}, which must be writable, read through
     * {@code source} positioned at its first record (a fresh or rewound source over the same memory).
     * The output replaces the capture from offset 0; the bytes after it are left over.
     *
     * @return the output's length in bytes.
     */
    public long anonymize(final CaptureFileSource source, final MemorySegment capture)
    {
        final CaptureAnonymizeCounters counters = this.counters;
        final PacketBurst burst = this.burst;
        counters.reset();
        final long startNs = System.nanoTime();
        compactor.start(capture);
        final long addressesBefore = addresses.addressesRewritten();
        while (!source.isExhausted())
        {
            final int count = source.poll(burst);
            if (count == 0)
            {
                continue;
            }
            burst.resetStageState();
            for (int i = 0; i < count; i++)
            {
                final AnonymizeOutcome outcome;
                if (plainRewriter.rewrite(burst, i))
                {
                    outcome = AnonymizeOutcome.ANONYMIZED;
                    counters.packetsPlain++;
                }
                else
                {
                    decoder.decodeSlot(burst, i);
                    outcome = rewriter.rewrite(burst, i);
                }
                counters.count(outcome, burst.dropReason[i]);
                final boolean keep = !outcome.unanonymizable() || keepUnanonymizable;
                compactor.record(burst.offset[i], burst.capturedLength[i], keep);
                if (keep)
                {
                    counters.packetsWritten++;
                }
                else
                {
                    counters.packetsDropped++;
                }
            }
            counters.packetsRead += count;
        }
        counters.problem = source.problem();
        final long length = compactor.finish(null == counters.problem);
        counters.blocksRemoved = compactor.blocksRemoved();
        counters.addressesRewritten = addresses.addressesRewritten() - addressesBefore;
        counters.anonymizeNs = System.nanoTime() - startNs;
        return length;
    }

    /**
     * Anonymizes the capture file {@code input} into {@code output}: the input is copied to a file
     * next to the output, rewritten there through a shared mapping and renamed to {@code output} when
     * done, so a failed run leaves no partial output. The input is only read.
     *
     * @throws IOException when a file cannot be read or written, the input is not a pcap or pcapng
     *                     capture, or input and output are the same file.
     */
    public CaptureAnonymizeCounters anonymize(final Path input, final Path output) throws IOException
    {
        if (Files.exists(output) && Files.isSameFile(input, output))
        {
            throw new IOException("the output " + output + " is the input: name another file, the input is only read");
        }
        final Path absolute = output.toAbsolutePath();
        final Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        Files.copy(input, partial, StandardCopyOption.REPLACE_EXISTING);
        boolean done = false;
        try (Arena arena = Arena.ofConfined();
            FileChannel channel = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long size = channel.size();
            if (size == 0)
            {
                throw new IOException(input + " is not a pcap or pcapng capture: the file is empty");
            }
            final MemorySegment capture = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            final long length;
            try (CaptureFileSource source = CaptureFileSource.wrap(input.toString(), capture))
            {
                length = anonymize(source, capture);
            }
            channel.truncate(length);
            done = true;
        }
        finally
        {
            if (!done)
            {
                Files.deleteIfExists(partial);
            }
        }
        Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return counters;
    }
}
