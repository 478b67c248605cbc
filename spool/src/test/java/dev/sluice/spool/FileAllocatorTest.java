package dev.sluice.spool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class FileAllocatorTest
{
    @TempDir
    Path directory;

    @Test
    void usesFallocateWithTheBuildsJvmFlags()
    {
        assertTrue(FileAllocator.usesFallocate(), "--enable-native-access=ALL-UNNAMED is in sluice.jvm.flags");
    }

    @Test
    void bothWaysExtendTheFileAndKeepItsBytes() throws IOException
    {
        for (final boolean fallocate : new boolean[]{ true, false })
        {
            final Path file = directory.resolve("file-" + fallocate);
            Files.write(file, new byte[]{ 1, 2, 3 });
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                if (fallocate)
                {
                    FileAllocator.allocate(file, channel, 8192);
                }
                else
                {
                    FileAllocator.zeroFill(channel, 8192);
                }
                assertEquals(8192, channel.size());
                final ByteBuffer head = ByteBuffer.allocate(4);
                channel.read(head, 0);
                assertArrayEquals(new byte[]{ 1, 2, 3, 0 }, head.array());
            }
        }
    }
}
