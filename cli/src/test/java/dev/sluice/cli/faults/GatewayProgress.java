package dev.sluice.cli.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a running gateway's counters file ({@code <state-dir>/counters.json}, rewritten every
 * second) says about its one stream: enough for a fault test to wait for delivery and to measure a
 * recovery, without touching the gateway.
 *
 * @param runStartedAt  when the gateway run that wrote the file started (tells a restart apart).
 * @param stopped       whether that run stopped cleanly.
 * @param received      packets the run's source received.
 * @param lastSequence  the last batch sequence spooled.
 * @param ackedSequence the last sequence the core acknowledged as durable.
 * @param counters      the whole file.
 */
record GatewayProgress(
    String runStartedAt, boolean stopped, long received, long lastSequence, long ackedSequence, JsonNode counters)
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The file's content now, or null while there is none (a run that has not written it yet). */
    static GatewayProgress read(final Path stateDirectory) throws IOException
    {
        final Path file = stateDirectory.resolve("counters.json");
        if (!Files.exists(file))
        {
            return null;
        }
        final JsonNode counters = JSON.readTree(file.toFile());
        final JsonNode stream = counters.path("streams").path(0);
        return new GatewayProgress(
            counters.path("run_started_at").asText(),
            counters.path("stopped").asBoolean(),
            counters.path("source").path("received").asLong(),
            stream.path("last_sequence").asLong(),
            stream.path("acked_sequence").asLong(),
            counters);
    }

    /** Batches spooled and not yet acknowledged. */
    long backlog()
    {
        return lastSequence - ackedSequence;
    }

    /** A destination's counter, by its field name ({@code sent_records}). */
    long destination(final String field)
    {
        return counters.path("destinations").path(0).path(field).asLong();
    }

    /** A source counter, by its field name. */
    long source(final String field)
    {
        return counters.path("source").path(field).asLong();
    }
}
