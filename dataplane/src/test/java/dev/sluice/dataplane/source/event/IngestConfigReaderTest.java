package dev.sluice.dataplane.source.event;

import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.yaml.YamlLimits;
import dev.sluice.policy.yaml.YamlMapping;
import dev.sluice.policy.yaml.YamlReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway configuration's {@code ingest} section: read into listeners with relative TLS paths
 * resolved, and every problem reported with file:line:column.
 */
class IngestConfigReaderTest
{
    @TempDir
    Path directory;

    @Test
    void readsListeners() throws Exception
    {
        Files.createDirectories(directory.resolve("tls"));
        Files.writeString(directory.resolve("tls/gw.crt.pem"), "-");
        Files.writeString(directory.resolve("tls/gw.key.pem"), "-");
        final Diagnostics diagnostics = new Diagnostics("gateway.yaml");
        final EventIngestConfig config = read("""
            ingest:
              ring-bytes: 16777216
              transport: nio
              io-threads: 2
              listeners:
                - {name: syslog, kind: syslog-udp, port: 514}
                - name: syslog-tls
                  kind: syslog-tcp
                  bind: 127.0.0.1
                  port: 6514
                  max-message-bytes: 32768
                  receive-buffer-bytes: 1048576
                  tls: {certificate: tls/gw.crt.pem, key: tls/gw.key.pem}
                - {name: events, kind: http-ndjson, port: 8088, retry-after-seconds: 2}
            """, diagnostics);
        assertEquals(List.of(), errors(diagnostics));
        assertNotNull(config);
        assertEquals(16_777_216, config.ringCapacityBytes());
        assertEquals("nio", config.transport());
        assertEquals(2, config.ioThreads());
        assertEquals(3, config.listeners().size());
        final IngestListener tls = config.listeners().get(1);
        assertEquals(ListenerKind.SYSLOG_TCP, tls.kind());
        assertEquals("127.0.0.1", tls.bindAddress());
        assertEquals(6514, tls.port());
        assertEquals(32_768, tls.maxMessageBytes());
        assertEquals(1_048_576, tls.receiveBufferBytes());
        assertEquals(directory.resolve("tls/gw.crt.pem"), tls.tlsCertificateFile());
        assertEquals(2, config.listeners().get(2).retryAfterSeconds());
        assertEquals(ListenerKind.SYSLOG_UDP.maxMessageBytesDefault(), config.listeners().get(0).maxMessageBytes());
    }

    @Test
    void reportsEveryProblemWithItsPosition()
    {
        final Diagnostics diagnostics = new Diagnostics("gateway.yaml");
        final EventIngestConfig config = read("""
            ingest:
              ring-bytes: 1000000
              transport: carrier-pigeon
              listeners:
                - {name: a, kind: syslog-udp, port: 70000}
                - {name: a, kind: syslog-tcp, port: 601, colour: red}
                - {name: b, kind: smoke-signals, port: 1}
                - {name: c, kind: netflow-udp, port: 2055, tls: {certificate: x.pem, key: y.pem}}
            """, diagnostics);
        assertNull(config);
        final String errors = String.join("\n", errors(diagnostics));
        for (final String expected : new String[]{
            "gateway.yaml:2:15: error: ingest.ring-bytes must be a power of two",
            "gateway.yaml:3:14: error: ingest.transport: unknown transport 'carrier-pigeon'",
            "gateway.yaml:5:41: error: ingest.listeners[0].port must be between 0 and 65535, found 70000",
            "gateway.yaml:6:46: error: unknown key 'colour' in ingest.listeners[1]",
            "gateway.yaml:7:23: error: ingest.listeners[2].kind: unknown kind 'smoke-signals'",
            "gateway.yaml:8:7: error: ingest.listeners[3]: TLS is for TCP listeners"})
        {
            assertTrue(errors.contains(expected), "missing '" + expected + "' in:\n" + errors);
        }
        assertTrue(!errors.contains("got -1"), "a port already reported is not reported again:\n" + errors);
    }

    private EventIngestConfig read(final String text, final Diagnostics diagnostics)
    {
        final YamlMapping top = (YamlMapping)YamlReader.read(text, YamlLimits.DEFAULT, diagnostics);
        return IngestConfigReader.read(top.get("ingest"), diagnostics, directory);
    }

    private static List<String> errors(final Diagnostics diagnostics)
    {
        return diagnostics.sorted().stream().filter(Diagnostic::isError).map(Diagnostic::toString)
            .collect(Collectors.toList());
    }
}
