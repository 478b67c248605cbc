package dev.sluice.dataplane;

import dev.sluice.dataplane.counters.ClassDecisionCounters;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.SnapshotJson;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.protocol.accounting.CountersFile;
import dev.sluice.protocol.accounting.CountersFileWriter;
import dev.sluice.protocol.accounting.JsonText;
import org.agrona.concurrent.EpochClock;

import java.nio.file.Path;
import java.util.List;

/**
 * The gateway's counters file, {@code <state-dir>/counters.json}: who the gateway is, the source's
 * equation terms added up over the workers, the flow records emitted, per destination the residency
 * decisions and outcomes, the event worker's likewise when the gateway takes events, the residency
 * decisions per data class and destination (an item counts under every class it holds), and per stream (worker, region) the last sequence spooled (or sent) and
 * the last the regional core acknowledged. Read by {@code sluice reconcile}. Written by the
 * conductor's thread every second and by the closing thread at a clean stop, from counters any
 * thread may read; never by a worker.
 */
public final class GatewayCountersFile extends CountersFileWriter
{
    private final Gateway gateway;

    GatewayCountersFile(final Gateway gateway, final Path file, final EpochClock clock)
    {
        super(file, clock);
        this.gateway = gateway;
    }

    @Override
    protected String text(final boolean stopped)
    {
        final GatewayContext context = gateway.context();
        final JsonText json = header(CountersFile.KIND_GATEWAY, stopped)
            .field(CountersFile.GATEWAY_ID, context.gatewayId())
            .field(CountersFile.SITE, context.site())
            .field(CountersFile.REGION, context.region());

        json.beginObject(CountersFile.SOURCE);
        SnapshotJson.write(json, gateway.sourceSnapshot());
        json.endObject();
        json.field(CountersFile.FLOWS_EMITTED, gateway.flowSnapshot().emitted());

        json.beginArray(CountersFile.DESTINATIONS);
        for (final DestinationCounters.Snapshot destination : gateway.destinationSnapshots())
        {
            json.beginObject();
            SnapshotJson.write(json, destination);
            json.endObject();
        }
        json.endArray();

        if (gateway.hasEvents())
        {
            json.beginObject(CountersFile.EVENTS);
            SnapshotJson.write(json, gateway.eventSnapshot());
            json.beginArray(CountersFile.DESTINATIONS);
            for (final EventDestinationCounters.Snapshot destination : gateway.eventDestinationSnapshots())
            {
                json.beginObject();
                SnapshotJson.write(json, destination);
                json.endObject();
            }
            json.endArray();
            json.endObject();
        }

        json.beginArray(CountersFile.CLASSES);
        for (final ClassDecisionCounters.Snapshot dataClass : gateway.classDecisionSnapshots())
        {
            json.beginObject().field(CountersFile.CLASS, dataClass.dataClass());
            json.beginArray(CountersFile.DESTINATIONS);
            for (final ClassDecisionCounters.Decisions decisions : dataClass.destinations())
            {
                json.beginObject();
                SnapshotJson.write(json, decisions);
                json.endObject();
            }
            json.endArray();
            json.endObject();
        }
        json.endArray();

        json.beginArray(CountersFile.STREAMS);
        final List<Gateway.WorkerSnapshot> workers = gateway.workerSnapshots();
        for (int worker = 0; worker < workers.size(); worker++)
        {
            final List<DestinationCounters.Snapshot> destinations = workers.get(worker).destinations();
            for (int destination = 0; destination < destinations.size(); destination++)
            {
                stream(json, worker, destinations.get(destination), gateway.stream(worker, destination));
            }
        }
        for (final DestinationStream stream : gateway.eventStreams())
        {
            stream(json, GatewayEvents.WORKER_INDEX, stream.counters().snapshot(), stream);
        }
        json.endArray();
        return json.endObject().toString();
    }

    private static void stream(
        final JsonText json, final int worker, final DestinationCounters.Snapshot counters, final DestinationStream stream)
    {
        json.beginObject()
            .field(CountersFile.WORKER, worker)
            .field(CountersFile.REGION, counters.region())
            .field(CountersFile.LAST_SEQUENCE, counters.lastSequence())
            .field(CountersFile.ACKED_SEQUENCE, stream.spool() == null ? -1 : stream.counters().ackedSequence())
            .field(CountersFile.SPOOLED_BATCHES, counters.spooledBatches())
            .field(CountersFile.SPOOL_DROPPED_BATCHES, stream.spool() == null ? 0 : stream.spool().spool().counters().dropped())
            .endObject();
    }
}
