package dev.sluice.cli.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a running gateway's counters file ({@code <state-dir>/counters.json}, rewritten every
 * second) says about its packet stream and its event stream to the one destination: enough for a
 * fault test to wait for delivery and to measure a recovery, without touching the gateway.
 *
 * @param runStartedAt       when the gateway run that wrote the file started (tells a restart apart).
 * @param stopped            whether that run stopped cleanly.
 * @param received           packets the run's source received.
 * @param lastSequence       the last packet batch sequence spooled.
 * @param ackedSequence      the last packet sequence the core acknowledged as durable.
 * @param eventLastSequence  the last event batch sequence spooled.
 * @param eventAckedSequence the last event sequence the core acknowledged as durable.
 * @param counters           the whole file.
 */
record GatewayProgress(
    String runStartedAt,
    boolean stopped,
    long received,
    long lastSequence,
    long ackedSequence,
    long eventLastSequence,
    long eventAckedSequence,
    JsonNode counters)
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
        JsonNode packets = null;
        JsonNode events = null;
        for (final JsonNode stream : counters.path("streams"))
        {
            if (stream.path("worker").asInt() == TierRig.EVENT_WORKER)
            {
                events = stream;
            }
            else
            {
                packets = stream;
            }
        }
        if (packets == null || events == null)
        {
            return null;
        }
        return new GatewayProgress(
            counters.path("run_started_at").asText(),
            counters.path("stopped").asBoolean(),
            counters.path("source").path("received").asLong(),
            packets.path("last_sequence").asLong(),
            packets.path("acked_sequence").asLong(),
            events.path("last_sequence").asLong(),
            events.path("acked_sequence").asLong(),
            counters);
    }

    /** Batches spooled and not yet acknowledged, packets and events. */
    long backlog()
    {
        return lastSequence - ackedSequence + eventLastSequence - eventAckedSequence;
    }

    /** Everything spooled acknowledged, on both streams. */
    boolean caughtUp()
    {
        return lastSequence == ackedSequence && eventLastSequence == eventAckedSequence;
    }

    /** An event path counter, by its field name ({@code received}). */
    long events(final String field)
    {
        return counters.path("events").path(field).asLong();
    }

    /** A counter of the event path's destination, by its field name. */
    long eventDestination(final String field)
    {
        return counters.path("events").path("destinations").path(0).path(field).asLong();
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
