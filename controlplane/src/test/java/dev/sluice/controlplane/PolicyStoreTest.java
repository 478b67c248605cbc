package dev.sluice.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyStoreTest
{
    @TempDir
    Path dir;

    @Test
    void emptyStoreHasNoCurrentVersion() throws IOException
    {
        try (PolicyStore store = PolicyStore.open(dir.resolve("new")))
        {
            assertNull(store.current());
            assertEquals(0, store.currentVersion());
            assertEquals(List.of(), store.versions());
            assertTrue(Files.isDirectory(dir.resolve("new")));
        }
    }

    @Test
    void versionsSurviveReopenAndContinueFromTheHighest() throws IOException
    {
        try (PolicyStore store = PolicyStore.open(dir))
        {
            assertEquals(1, store.append("a.yaml", "rules: []\n", 1000).version());
            final StoredPolicy second = store.append("b.yaml", "rules:\n  - drop: yes  # é ✓\n", 2000);
            assertEquals(2, second.version());
            assertEquals(PolicyStore.sha256Hex("rules:\n  - drop: yes  # é ✓\n".getBytes(StandardCharsets.UTF_8)),
                second.sha256());
        }

        try (PolicyStore store = PolicyStore.open(dir))
        {
            assertEquals(2, store.currentVersion());
            assertEquals(List.of(1L, 2L), store.versions());
            assertEquals("b.yaml", store.current().sourceName());
            assertEquals("rules:\n  - drop: yes  # é ✓\n", store.current().document());
            assertEquals(2000, store.current().storedTimestampMs());
            final StoredPolicy first = store.read(1);
            assertEquals("a.yaml", first.sourceName());
            assertEquals("rules: []\n", first.document());
            assertEquals(1000, first.storedTimestampMs());
            assertEquals(List.of(), store.loadWarnings());

            assertEquals(3, store.append("c.yaml", "rules: [x]\n", 3000).version());
        }
    }

    @Test
    void numberOfAnUncommittedVersionIsNeverReused() throws IOException
    {
        try (PolicyStore store = PolicyStore.open(dir))
        {
            store.append("a.yaml", "one\n", 1);
        }
        // A crash after the metadata of version 2 and before its document.
        Files.writeString(dir.resolve("policy-2.meta"), "version=2\n");

        try (PolicyStore store = PolicyStore.open(dir))
        {
            assertEquals(1, store.currentVersion());
            assertEquals(2, store.highestAssignedVersion());
            assertEquals(1, store.loadWarnings().size());
            assertEquals(3, store.append("b.yaml", "two\n", 2).version());
        }
    }

    @Test
    void damagedVersionIsSkippedAndItsNumberNotReused() throws IOException
    {
        try (PolicyStore store = PolicyStore.open(dir))
        {
            store.append("a.yaml", "one\n", 1);
            store.append("b.yaml", "two\n", 2);
        }
        Files.writeString(dir.resolve("policy-2.yaml"), "tampered\n");

        try (PolicyStore store = PolicyStore.open(dir))
        {
            assertEquals(1, store.currentVersion());
            assertEquals(List.of(1L), store.versions());
            assertTrue(store.loadWarnings().getFirst().contains("version 2"), store.loadWarnings().toString());
            assertThrows(IOException.class, () -> store.read(2));
            assertEquals(3, store.append("c.yaml", "three\n", 3).version());
        }
    }

    @Test
    void unrelatedAndNonCanonicalFilesAreIgnored() throws IOException
    {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("policy-abc.yaml"), "x");
        Files.writeString(dir.resolve("policy-07.yaml"), "x");
        Files.writeString(dir.resolve("policy-99999999999999999999.yaml"), "x");
        Files.writeString(dir.resolve("policy-5.yaml.tmp"), "x");
        Files.writeString(dir.resolve("notes.txt"), "x");

        try (PolicyStore store = PolicyStore.open(dir))
        {
            assertEquals(0, store.highestAssignedVersion());
            assertEquals(3, store.loadWarnings().size(), store.loadWarnings().toString());
            assertEquals(1, store.append("a.yaml", "one\n", 1).version());
        }
    }

    @Test
    @SuppressWarnings("try")
    void secondOpenOfTheSameStoreIsRefused() throws IOException
    {
        try (PolicyStore ignored = PolicyStore.open(dir))
        {
            final IOException ex = assertThrows(IOException.class, () -> PolicyStore.open(dir));
            assertTrue(ex.getMessage().contains("in use"), ex.getMessage());
        }
        try (PolicyStore store = PolicyStore.open(dir))
        {
            assertEquals(0, store.currentVersion());
        }
    }
}
