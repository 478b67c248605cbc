package dev.sluice.spool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.NoSuchElementException;

/**
 * Gives a new segment file real blocks for its whole length before it is mapped, so that a full
 * file system shows as an {@link IOException} here and never as a {@code SIGBUS} when a store
 * into the mapping finds no block to write to. Uses {@code posix_fallocate(3)} through FFM: one
 * call, no data written (glibc itself falls back to writing where the file system has no
 * {@code fallocate}). When native access is not granted ({@code --enable-native-access}
 * missing) the file is filled with zeros through the channel instead: the same guarantee,
 * at the cost of writing the segment's length once more.
 * <p>
 * Stateless; any thread.
 */
final class FileAllocator
{
    /**
     * {@code ENOSPC}: no space left on the device.
     */
    static final int ENOSPC = 28;

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int ZERO_FILL_CHUNK = 1 << 20;

    private static final MethodHandle OPEN$MH;
    private static final MethodHandle POSIX_FALLOCATE$MH;
    private static final MethodHandle CLOSE$MH;

    static
    {
        MethodHandle open = null;
        MethodHandle posixFallocate = null;
        MethodHandle close = null;
        try
        {
            final Linker linker = Linker.nativeLinker();
            final SymbolLookup libc = linker.defaultLookup();
            open = linker.downcallHandle(libc.findOrThrow("open"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            posixFallocate = linker.downcallHandle(libc.findOrThrow("posix_fallocate"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
            close = linker.downcallHandle(libc.findOrThrow("close"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        }
        catch (final IllegalCallerException | UnsupportedOperationException | NoSuchElementException ex)
        {
            open = null;
            posixFallocate = null;
            close = null;
        }
        OPEN$MH = open;
        POSIX_FALLOCATE$MH = posixFallocate;
        CLOSE$MH = close;
    }

    private FileAllocator()
    {
    }

    /**
     * @return true when {@code posix_fallocate} is used, false when files are filled with zeros.
     */
    static boolean usesFallocate()
    {
        return null != POSIX_FALLOCATE$MH;
    }

    /**
     * Allocates blocks for bytes {@code [0, length)} of an open file, extending it to
     * {@code length} when shorter; the bytes it holds are kept.
     *
     * @param path    the file, for {@code posix_fallocate}.
     * @param channel the same file, open for writing, for the zero-filling fallback.
     * @param length  bytes.
     * @throws IOException when the blocks cannot be had; "No space left on device" when the file
     *                     system is full.
     */
    static void allocate(final Path path, final FileChannel channel, final long length) throws IOException
    {
        if (null != POSIX_FALLOCATE$MH)
        {
            final int result = fallocate(path, length);
            if (0 == result)
            {
                return;
            }
            if (ENOSPC == result)
            {
                throw new IOException("No space left on device: cannot allocate " + length + " bytes for " + path);
            }
            if (result > 0)
            {
                throw new IOException("posix_fallocate failed for " + path + " (errno " + result + ")");
            }
        }
        zeroFill(channel, length);
    }

    /**
     * @return 0, an errno from posix_fallocate, or -1 when the file could not be opened natively.
     */
    private static int fallocate(final Path path, final long length) throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment cPath = arena.allocateFrom(path.toAbsolutePath().toString());
            final int fd = (int)OPEN$MH.invokeExact(cPath, O_RDWR | O_CLOEXEC);
            if (fd < 0)
            {
                return -1;
            }
            try
            {
                return (int)POSIX_FALLOCATE$MH.invokeExact(fd, 0L, length);
            }
            finally
            {
                final int ignored = (int)CLOSE$MH.invokeExact(fd);
            }
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IOException("posix_fallocate failed for " + path, ex);
        }
    }

    /**
     * Writes zeros from the file's end to {@code length}: write(2) reserves the blocks (ext4's
     * delayed allocation included) and reports a full file system. The bytes already in the file
     * are left as they are.
     */
    static void zeroFill(final FileChannel channel, final long length) throws IOException
    {
        final ByteBuffer zeros = ByteBuffer.allocate((int)Math.min(length, ZERO_FILL_CHUNK));
        long position = channel.size();
        while (position < length)
        {
            zeros.clear().limit((int)Math.min(zeros.capacity(), length - position));
            while (zeros.hasRemaining())
            {
                position += channel.write(zeros, position);
            }
        }
    }
}
