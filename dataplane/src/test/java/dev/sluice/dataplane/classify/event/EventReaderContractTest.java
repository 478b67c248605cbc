package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.can.CanDatabase;
import dev.sluice.dataplane.decode.event.can.CandumpParser;
import dev.sluice.dataplane.decode.event.can.DbcFile;
import dev.sluice.dataplane.decode.event.cef.CefParser;
import dev.sluice.dataplane.decode.event.cef.LeefParser;
import dev.sluice.dataplane.decode.event.json.JsonParser;
import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import dev.sluice.dataplane.decode.event.syslog.SyslogParser;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.policy.Policy;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link FieldReader} contract for every event reader: asked about any id (negative, packet
 * fields, other formats' fields, every dynamic field of the policy, ids past the catalogue) it
 * never throws, {@code isPresent} agrees with {@code occurrences}, a present field reads a valid
 * value of its type, and {@code item.kind} names the format.
 */
class EventReaderContractTest
{
    /** A policy naming dynamic fields of every prefix, as text, integer and address. */
    private static final Policy POLICY = EventPolicyTesting.rules(
        "syslog.sd.exampleSDID@32473.iut == 3 or syslog.sd.exampleSDID@32473.eventSource == \"x\"",
        "syslog.sd.origin.ip in 10.0.0.0/8",
        "cef.cs1 == \"x\" or cef.cn1 > 3 or cef.c6a1 in ::/0",
        "leef.devTime > 1 or leef.identSrc in 0.0.0.0/0 or leef.proto == \"x\"",
        "json.class == \"x\" or json.mode > 1 or json.ip in 0.0.0.0/0 or json.satellites[0].PRN > 0",
        "can.PCU_Torque.MotorSpeed > 1 or can.PCU_Torque.DriverTorqueRequest == \"x\"",
        "tcp.dstport == 80");

    private static MemorySegment text(final String message)
    {
        return MemorySegment.ofArray(message.getBytes(StandardCharsets.UTF_8));
    }

    private static void checkEveryId(final FieldReader reader, final String kind)
    {
        final int size = POLICY.catalogue().size();
        int present = 0;
        for (int id = -3; id < size + 3; id++)
        {
            final boolean isPresent = reader.isPresent(id);
            assertEquals(isPresent ? 1 : 0, reader.occurrences(id), "id " + id);
            if (!isPresent || id < 0 || id >= size)
            {
                assertFalse(isPresent && (id < 0 || id >= size), "id " + id + " is beyond the catalogue");
                continue;
            }
            present++;
            final Field field = POLICY.catalogue().byId(id);
            switch (field.type())
            {
                case INTEGER -> assertTrue(reader.integer(id) >= 0, field.name());
                case STRING -> assertNotNull(reader.text(id), field.name());
                case ADDRESS ->
                {
                    final int version = reader.addressVersion(id);
                    assertTrue(4 == version || 6 == version, field.name());
                    reader.addressHigh(id);
                    reader.addressLow(id);
                }
            }
        }
        assertEquals(kind, reader.text(EventFields.ITEM_KIND).toString());
        assertTrue(present > 1, kind + ": fields present " + present);
    }

    @Test
    void everyReaderAnswersEveryIdWithoutThrowing() throws IOException
    {
        final SyslogParser syslog = new SyslogParser();
        final MemorySegment rfc5424 = text("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 " +
            "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][origin ip=\"10.1.2.3\"] An application event");
        assertTrue(syslog.parse(rfc5424, 0, (int)rfc5424.byteSize()));
        checkEveryId(new SyslogFieldReader(POLICY.catalogue()).wrap(syslog), "syslog");

        final CefParser cef = new CefParser();
        final MemorySegment cefLine = text("<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|High|src=10.0.0.1 cs1=x cn1=7 c6a1=2001:db8::1 spt=80");
        assertTrue(cef.parse(cefLine, 0, (int)cefLine.byteSize()));
        assertTrue(syslog.parse(cefLine, 0, (int)cefLine.byteSize()));
        checkEveryId(new CefFieldReader(POLICY.catalogue()).wrap(cef, syslog), "cef");

        final LeefParser leef = new LeefParser();
        final MemorySegment leefLine = text("LEEF:2.0|V|P|1|E|^|src=192.0.2.0^devTime=1547809673^identSrc=10.0.0.9^sev=5");
        assertTrue(leef.parse(leefLine, 0, (int)leefLine.byteSize()));
        checkEveryId(new LeefFieldReader(POLICY.catalogue()).wrap(leef, null), "leef");

        final JsonParser json = new JsonParser();
        final MemorySegment document = text("{\"class\":\"TPV\",\"mode\":3,\"ip\":\"10.0.0.1\",\"lat\":46.5,\"lon\":7.5,\"speed\":3.2," +
            "\"track\":359.9,\"vin\":\"1M8GDM9AXKP042788\",\"satellites\":[{\"PRN\":7}]}");
        assertTrue(json.parse(document, 0, (int)document.byteSize()));
        checkEveryId(new JsonFieldReader(POLICY.catalogue()).wrap(json), "json");

        final CanDatabase database = CanDatabase.compile(DbcFile.load(SharedData.root().resolve("vehicle/savvycan/ThinkCity.dbc")));
        final CandumpParser candump = new CandumpParser(database);
        final MemorySegment frame = text("(1.000000) can0 202#0102030405060708");
        assertTrue(candump.parse(frame, 0, (int)frame.byteSize()));
        checkEveryId(new CanFieldReader(POLICY.catalogue(), database).wrap(candump), "can");

        final NetflowParser netflow = new NetflowParser();
        final byte[] datagram = Files.readAllBytes(SharedData.root().resolve("netflow/logstash-codec-netflow/netflow5.dat"));
        assertTrue(netflow.exporter(4, 0, 0xC000_0207L, 2055).receivedAt(1_600_000_000_000_000_000L)
            .parse(MemorySegment.ofArray(datagram), 0, datagram.length));
        assertTrue(netflow.selectRecord(0));
        checkEveryId(new FlowRecordFieldReader(POLICY.catalogue()).wrap(netflow), "flow");
    }
}
