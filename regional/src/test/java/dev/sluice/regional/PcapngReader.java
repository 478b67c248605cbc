package dev.sluice.regional;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a regional core's pcapng file back for tests, strictly: every block must be complete,
 * little-endian, with matching leading and trailing lengths, every packet must name an interface
 * of its section, and the interface must use nanosecond timestamps. Fails with
 * {@link IllegalStateException} on anything else.
 * <p>
 * Stateless; any thread.
 */
final class PcapngReader
{
    /**
     * One enhanced packet block, with the link type of its interface.
     */
    record Packet(
        int section,
        int interfaceId,
        int linkType,
        long timestampNs,
        long originalLength,
        byte[] bytes,
        String comment)
    {
    }

    /**
     * What the file holds: sections, the link types of each section's interfaces, and packets.
     */
    record Capture(List<String> applications, List<List<Integer>> linkTypes, List<Packet> packets)
    {
    }

    private PcapngReader()
    {
    }

    static Capture read(final Path file)
    {
        try
        {
            return parse(Files.readAllBytes(file));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static Capture parse(final byte[] bytes)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        final List<String> applications = new ArrayList<>();
        final List<List<Integer>> linkTypes = new ArrayList<>();
        final List<Packet> packets = new ArrayList<>();
        int position = 0;
        while (position < bytes.length)
        {
            check(bytes.length - position >= 12, "block header cut at " + position);
            final int type = buffer.getInt(position);
            final int length = buffer.getInt(position + 4);
            check(length >= 12 && 0 == length % 4 && length <= bytes.length - position,
                "bad block length " + length + " at " + position);
            check(buffer.getInt(position + length - 4) == length, "trailing length differs at " + position);
            final int body = position + 8;
            final int bodyEnd = position + length - 4;
            switch (type)
            {
                case PcapngFrameWriter.SECTION_HEADER_BLOCK_TYPE ->
                {
                    check(buffer.getInt(body) == PcapngFrameWriter.BYTE_ORDER_MAGIC, "not little-endian at " + position);
                    check(buffer.getShort(body + 4) == 1 && buffer.getShort(body + 6) == 0, "not version 1.0");
                    final String application = option(buffer, body + 16, bodyEnd, 4);
                    applications.add(application);
                    linkTypes.add(new ArrayList<>());
                }
                case PcapngFrameWriter.INTERFACE_DESCRIPTION_BLOCK_TYPE ->
                {
                    check(!linkTypes.isEmpty(), "interface before a section header");
                    final String resolution = option(buffer, body + 8, bodyEnd, 9);
                    check(null != resolution && resolution.charAt(0) == PcapngFrameWriter.NANOSECOND_RESOLUTION,
                        "interface without nanosecond if_tsresol");
                    linkTypes.getLast().add(buffer.getShort(body) & 0xFFFF);
                }
                case PcapngFrameWriter.ENHANCED_PACKET_BLOCK_TYPE ->
                {
                    check(!linkTypes.isEmpty(), "packet before a section header");
                    final int interfaceId = buffer.getInt(body);
                    final List<Integer> interfaces = linkTypes.getLast();
                    check(interfaceId >= 0 && interfaceId < interfaces.size(), "unknown interface " + interfaceId);
                    final long timestampNs = ((buffer.getInt(body + 4) & 0xFFFF_FFFFL) << 32) |
                        (buffer.getInt(body + 8) & 0xFFFF_FFFFL);
                    final int capturedLength = buffer.getInt(body + 12);
                    final long originalLength = buffer.getInt(body + 16) & 0xFFFF_FFFFL;
                    check(capturedLength >= 0 && body + 20 + capturedLength <= bodyEnd, "captured length too long");
                    check(originalLength >= capturedLength, "original length below captured length");
                    final byte[] data = new byte[capturedLength];
                    buffer.get(body + 20, data);
                    final int optionsStart = body + 20 + ((capturedLength + 3) & ~3);
                    packets.add(new Packet(linkTypes.size() - 1, interfaceId, interfaces.get(interfaceId), timestampNs,
                        originalLength, data, option(buffer, optionsStart, bodyEnd, 1)));
                }
                default -> throw new IllegalStateException("unexpected block type " + type + " at " + position);
            }
            position += length;
        }
        return new Capture(applications, linkTypes, packets);
    }

    /**
     * Value of the option with {@code code} among the options from {@code start} to {@code end},
     * or null; checks the options are well formed and end with opt_endofopt when present.
     */
    private static String option(final ByteBuffer buffer, final int start, final int end, final int code)
    {
        String value = null;
        int position = start;
        while (position < end)
        {
            check(end - position >= 4, "option header cut");
            final int optionCode = buffer.getShort(position) & 0xFFFF;
            final int length = buffer.getShort(position + 2) & 0xFFFF;
            if (0 == optionCode)
            {
                check(0 == length && position + 4 == end, "opt_endofopt is not last");
                return value;
            }
            check(position + 4 + length <= end, "option value cut");
            if (optionCode == code)
            {
                final byte[] bytes = new byte[length];
                buffer.get(position + 4, bytes);
                value = new String(bytes, StandardCharsets.ISO_8859_1);
            }
            position += 4 + ((length + 3) & ~3);
        }
        check(position == end, "options overrun the block");
        return value;
    }

    private static void check(final boolean condition, final String problem)
    {
        if (!condition)
        {
            throw new IllegalStateException("bad pcapng: " + problem);
        }
    }
}
