package dev.sluice.dataplane.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TsharkTest
{
    @Test
    void aMissingTsharkFailsTheTestWithWhatToDo()
    {
        final AssertionFailedError error = assertThrows(AssertionFailedError.class, () -> Tshark.executableOn("/nonexistent"));
        assertEquals(Tshark.NOT_INSTALLED, error.getMessage());
    }

    @Test
    void readsFieldsOfEveryPacketWithAllOccurrences()
    {
        final List<Tshark.Packet> packets = Tshark.fields(
            SharedData.pcap("zeek/http-qinq-0.pcap"), List.of("vlan.id", "ip.src"), Tshark.PER_PACKET_PREFERENCES);
        assertEquals(14, packets.size());
        assertEquals(1, packets.getFirst().number());
        assertEquals(2, packets.getFirst().all("vlan.id").size(), "both tags of a QinQ frame");
        assertTrue(packets.getFirst().has("ip.src"));
        assertTrue(packets.stream().noneMatch(Tshark.Packet::malformedOrError));
    }
}
