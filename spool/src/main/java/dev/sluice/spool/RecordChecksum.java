package dev.sluice.spool;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C over a range of a buffer through {@link CRC32C#update(ByteBuffer)}, which the JIT
 * turns into the CPU's CRC32C instructions for direct buffers, without allocating: the view's
 * position and limit are moved, not the bytes copied.
 * <p>
 * Holds a {@link CRC32C}: one instance per thread.
 */
final class RecordChecksum
{
    private final CRC32C crc = new CRC32C();

    /**
     * The CRC32C of {@code length} bytes at {@code offset}.
     *
     * @param view   a view of the bytes whose position and limit this may change (not shared
     *               with code that relies on them).
     * @param offset first byte.
     * @param length bytes, with {@code offset + length <= view.capacity()}.
     * @return the checksum as stored on disk.
     */
    int compute(final ByteBuffer view, final int offset, final int length)
    {
        view.clear();
        view.limit(offset + length).position(offset);
        crc.reset();
        crc.update(view);
        return (int)crc.getValue();
    }
}
