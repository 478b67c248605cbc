package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.decode.event.can.CanDatabase;
import dev.sluice.dataplane.decode.event.can.DbcFile;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.yaml.YamlChecks;
import dev.sluice.policy.yaml.YamlMapping;
import dev.sluice.policy.yaml.YamlNode;
import dev.sluice.policy.yaml.YamlSequence;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the gateway configuration's {@code ingest} section into an {@link EventIngestConfig}, reporting
 * every problem with its file:line:column. Relative TLS paths are resolved against the configuration
 * file's directory. The counter factory is the gateway's to set at launch. Main thread, at start.
 * <pre>
 * ingest:
 *   ring-bytes: 8388608          # a power of two
 *   transport: auto              # auto | io_uring | epoll | nio
 *   io-threads: 1
 *   listeners:
 *     - {name: syslog, kind: syslog-udp, port: 514}
 *     - name: syslog-tls
 *       kind: syslog-tcp         # syslog-udp | syslog-tcp | json-tcp | http-ndjson | netflow-udp | candump-tcp
 *       bind: 0.0.0.0
 *       port: 6514
 *       max-message-bytes: 65536
 *       receive-buffer-bytes: 4194304
 *       tls: {certificate: tls/gateway.crt.pem, key: tls/gateway.key.pem}
 *     - {name: events, kind: http-ndjson, port: 8088, retry-after-seconds: 2}
 *   dbc: can/vehicle.dbc         # decodes can.&lt;message&gt;.&lt;signal&gt; of candump lines
 * </pre>
 */
public final class IngestConfigReader
{
    private static final List<String> INGEST_KEYS = List.of("ring-bytes", "transport", "io-threads", "listeners", "dbc");
    private static final List<String> LISTENER_KEYS = List.of(
        "name", "kind", "bind", "port", "max-message-bytes", "receive-buffer-bytes", "tls", "retry-after-seconds");
    private static final List<String> TLS_KEYS = List.of("certificate", "key");

    private IngestConfigReader()
    {
    }

    /**
     * @param node          the {@code ingest} section, or null when absent.
     * @param diagnostics   where problems go.
     * @param baseDirectory what relative paths are resolved against.
     * @return the settings, or null when the section is absent or has problems (reported).
     */
    public static EventIngestConfig read(final YamlNode node, final Diagnostics diagnostics, final Path baseDirectory)
    {
        if (node == null)
        {
            return null;
        }
        final YamlMapping ingest = YamlChecks.mapping(node, "ingest", diagnostics);
        if (ingest == null)
        {
            return null;
        }
        final int errorsBefore = diagnostics.errorCount();
        YamlChecks.checkKeys(ingest, "ingest", INGEST_KEYS, List.of("listeners"), diagnostics);
        final EventIngestConfig config = new EventIngestConfig();
        if (ingest.has("ring-bytes"))
        {
            final Long bytes = YamlChecks.integer(ingest.get("ring-bytes"), "ingest.ring-bytes", 1024, 1L << 30, diagnostics);
            if (bytes != null && Long.bitCount(bytes) != 1)
            {
                diagnostics.error(ingest.get("ring-bytes").position(), "ingest.ring-bytes must be a power of two",
                    "e.g. " + Long.highestOneBit(bytes) + " or " + (Long.highestOneBit(bytes) << 1));
            }
            else if (bytes != null)
            {
                config.ringCapacityBytes(bytes.intValue());
            }
        }
        if (ingest.has("transport"))
        {
            final String transport = YamlChecks.string(ingest.get("transport"), "ingest.transport", diagnostics);
            if (transport != null && !IngestTransport.AUTO.equals(transport) && IngestTransport.byKeyword(transport) == null)
            {
                diagnostics.error(ingest.get("transport").position(), "ingest.transport: unknown transport '" +
                    transport + "'", "auto, io_uring, epoll or nio");
            }
            else if (transport != null)
            {
                config.transport(transport);
            }
        }
        if (ingest.has("io-threads"))
        {
            final Long threads = YamlChecks.integer(ingest.get("io-threads"), "ingest.io-threads", 1, 256, diagnostics);
            if (threads != null)
            {
                config.ioThreads(threads.intValue());
            }
        }
        if (ingest.has("listeners"))
        {
            listeners(ingest.get("listeners"), config, diagnostics, baseDirectory);
        }
        if (ingest.has("dbc"))
        {
            dbc(ingest.get("dbc"), config, diagnostics, baseDirectory);
        }
        return diagnostics.errorCount() == errorsBefore ? config : null;
    }

    /** {@code ingest.dbc}: the DBC file CAN signals are decoded with, loaded and compiled now so its errors show at start. */
    private static void dbc(
        final YamlNode node, final EventIngestConfig config, final Diagnostics diagnostics, final Path baseDirectory)
    {
        final String name = YamlChecks.string(node, "ingest.dbc", diagnostics);
        if (name == null)
        {
            return;
        }
        final Path file = baseDirectory.resolve(name);
        try
        {
            config.canDatabase(CanDatabase.compile(DbcFile.load(file)));
        }
        catch (final IOException ex)
        {
            diagnostics.error(node.position(), "ingest.dbc: cannot read " + file + ": " + ex.getMessage(),
                "give the path of a readable DBC file, relative to this configuration file or absolute");
        }
        catch (final RuntimeException ex)
        {
            diagnostics.error(node.position(), "ingest.dbc: " + file + " is not a valid DBC file: " + ex.getMessage(), null);
        }
    }

    private static void listeners(
        final YamlNode node, final EventIngestConfig config, final Diagnostics diagnostics, final Path baseDirectory)
    {
        final YamlSequence list = YamlChecks.sequence(node, "ingest.listeners", diagnostics);
        if (list == null)
        {
            return;
        }
        if (list.size() == 0)
        {
            diagnostics.error(list.position(), "ingest.listeners lists no listener", null);
        }
        final int ringMaxMessageLength = Math.max(0, (config.ringCapacityBytes() >> 3) - IngestRecord.HEADER_LENGTH);
        final Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++)
        {
            final String what = "ingest.listeners[" + i + "]";
            final YamlMapping mapping = YamlChecks.mapping(list.get(i), what, diagnostics);
            if (mapping == null)
            {
                continue;
            }
            if (!YamlChecks.checkKeys(mapping, what, LISTENER_KEYS, List.of("name", "kind", "port"), diagnostics))
            {
                continue;
            }
            final int errorsBefore = diagnostics.errorCount();
            final IngestListener listener = new IngestListener();
            final String name = YamlChecks.string(mapping.get("name"), what + ".name", diagnostics);
            if (name != null && !names.add(name))
            {
                diagnostics.error(mapping.get("name").position(), what + ": another listener has the name " + name, null);
            }
            listener.name(name);
            final String kindName = YamlChecks.string(mapping.get("kind"), what + ".kind", diagnostics);
            final ListenerKind kind = kindName == null ? null : ListenerKind.byKeyword(kindName);
            if (kindName != null && kind == null)
            {
                diagnostics.error(mapping.get("kind").position(), what + ".kind: unknown kind '" + kindName + "'",
                    "syslog-udp, syslog-tcp, json-tcp, http-ndjson, netflow-udp or candump-tcp");
                continue;
            }
            listener.kind(kind);
            final Long port = YamlChecks.integer(mapping.get("port"), what + ".port", 0, 65_535, diagnostics);
            if (port != null)
            {
                listener.port(port.intValue());
            }
            if (mapping.has("bind"))
            {
                listener.bindAddress(YamlChecks.string(mapping.get("bind"), what + ".bind", diagnostics));
            }
            if (mapping.has("max-message-bytes"))
            {
                final Long max = YamlChecks.integer(
                    mapping.get("max-message-bytes"), what + ".max-message-bytes", 1, 1L << 27, diagnostics);
                listener.maxMessageBytes(max == null ? 0 : max.intValue());
            }
            if (mapping.has("receive-buffer-bytes"))
            {
                final Long bytes = YamlChecks.integer(
                    mapping.get("receive-buffer-bytes"), what + ".receive-buffer-bytes", 0, 1L << 30, diagnostics);
                listener.receiveBufferBytes(bytes == null ? 0 : bytes.intValue());
            }
            if (mapping.has("retry-after-seconds"))
            {
                final Long seconds = YamlChecks.integer(
                    mapping.get("retry-after-seconds"), what + ".retry-after-seconds", 1, 3600, diagnostics);
                listener.retryAfterSeconds(seconds == null ? 1 : seconds.intValue());
            }
            if (mapping.has("tls"))
            {
                final YamlMapping tls = YamlChecks.mapping(mapping.get("tls"), what + ".tls", diagnostics);
                if (tls != null && YamlChecks.checkKeys(tls, what + ".tls", TLS_KEYS, TLS_KEYS, diagnostics))
                {
                    final String certificate = YamlChecks.string(tls.get("certificate"), what + ".tls.certificate", diagnostics);
                    final String key = YamlChecks.string(tls.get("key"), what + ".tls.key", diagnostics);
                    if (certificate != null && key != null)
                    {
                        listener.tls(baseDirectory.resolve(certificate).normalize(), baseDirectory.resolve(key).normalize());
                    }
                }
            }
            if (diagnostics.errorCount() == errorsBefore)
            {
                // What only the combination decides (size against the ring, TLS over UDP, unreadable files).
                final List<String> problems = new ArrayList<>();
                listener.validate(what, ringMaxMessageLength, problems);
                for (final String problem : problems)
                {
                    diagnostics.error(mapping.position(), problem, null);
                }
            }
            config.listener(listener);
        }
    }
}
