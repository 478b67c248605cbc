package dev.sluice.dataplane.source.event;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Configuration is checked all at once, each problem named with its listener; the transport is
 * chosen with a reason, and one that is unavailable or unknown is refused with what to do.
 */
class IngestConfigTest
{
    @Test
    void everyProblemIsReportedAtOnce()
    {
        final EventIngestConfig config = new EventIngestConfig()
            .ringCapacityBytes(64 * 1024)
            .transport("carrier-pigeon")
            .ioThreads(0)
            .listener(IngestListener.of("a", ListenerKind.SYSLOG_UDP, 70_000))
            .listener(IngestListener.of("a", ListenerKind.SYSLOG_TCP, 601).maxMessageBytes(100_000))
            .listener(IngestListener.of("b", ListenerKind.NETFLOW_UDP, 2055)
                .tls(Path.of("/nonexistent/cert.pem"), Path.of("/nonexistent/key.pem")))
            .listener(new IngestListener().name("c").port(1));
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, config::conclude);
        final String message = error.getMessage();
        for (final String expected : new String[]{
            "unknown ingest transport 'carrier-pigeon'",
            "I/O threads must be at least 1",
            "counter factory",
            "listener 0 (a): port must be 0 to 65535, got 70000",
            "listener 1 (a): maximum message size 100000 exceeds what one ring record holds (8160 bytes)",
            "listener 1 (a): another listener has the name a",
            "listener 2 (b): TLS is for TCP listeners",
            "listener 2 (b): TLS certificate file /nonexistent/cert.pem is missing or unreadable",
            "listener 3 (c): a listener needs a kind"})
        {
            assertTrue(message.contains(expected), "missing '" + expected + "' in: " + message);
        }
    }

    @Test
    void defaultsFitTheDefaultRing()
    {
        final EventIngestConfig config = new EventIngestConfig()
            .counterFactory(IngestTesting.counterFactory());
        for (final ListenerKind kind : ListenerKind.values())
        {
            config.listener(IngestListener.of(kind.keyword(), kind, 0));
        }
        config.conclude();
        assertNotNull(config.clock());
        assertEquals(65_507, config.listeners().get(4).maxMessageBytes());
    }

    @Test
    void transportIsChosenWithAReason()
    {
        final IngestTransport.Selection auto = IngestTransport.select("auto");
        assertTrue(auto.transport().isAvailable());
        assertTrue(!auto.reason().isEmpty());
        if (auto.transport() != IngestTransport.IO_URING)
        {
            assertTrue(auto.reason().startsWith("io_uring unavailable: "), auto.reason());
        }
        assertEquals(IngestTransport.NIO, IngestTransport.select("nio").transport());
        final IllegalArgumentException unknown =
            assertThrows(IllegalArgumentException.class, () -> IngestTransport.select("xdp"));
        assertTrue(unknown.getMessage().contains("use auto, io_uring, epoll or nio"));
    }
}
