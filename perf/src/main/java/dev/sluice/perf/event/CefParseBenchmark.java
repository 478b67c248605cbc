package dev.sluice.perf.event;

import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.decode.event.cef.CefParser;
import dev.sluice.dataplane.decode.event.cef.LeefParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * CEF and LEEF parse throughput per core, reported per event, over {@value #EVENTS} synthetic
 * messages laid out back to back off-heap as an ingest ring holds them, {@value #BATCH} per invocation:
 * <ul>
 *   <li>{@code cefParse} / {@code leefParse}: index the message (header, syslog prefix, every pair);</li>
 *   <li>{@code cefParseAndRead} / {@code leefParseAndRead}: the same, then what a security policy reads:
 *       severity, vendor, the source and destination addresses, the user and the action by key.</li>
 * </ul>
 * The CEF messages are firewall and IDS events behind an RFC 3164 header, shaped like the sc4s vendor
 * samples (about 20 pairs, values with spaces, an escaped {@code =}, custom string fields with labels);
 * the LEEF ones alternate LEEF 1.0 with tabs and LEEF 2.0 with {@code ^}. Bytes per event are printed
 * at setup, to turn events/s into MB/s. Run: {@code perf/run-jmh.sh CefParseBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CefParseBenchmark
{
    static final int EVENTS = 4096;
    static final int BATCH = 256;
    private static final long SEED = 6;

    private final CefParser cef = new CefParser();
    private final LeefParser leef = new LeefParser();
    private final EventText text = new EventText(4096);

    private Arena arena;
    private Messages cefMessages;
    private Messages leefMessages;

    /** Messages back to back in one segment, as a ring holds them. */
    private static final class Messages
    {
        final MemorySegment memory;
        final long[] offset;
        final int[] length;
        int next;

        Messages(final Arena arena, final String[] messages)
        {
            final byte[][] encoded = new byte[messages.length][];
            long total = 0;
            for (int i = 0; i < messages.length; i++)
            {
                encoded[i] = messages[i].getBytes(StandardCharsets.UTF_8);
                total += encoded[i].length;
            }
            memory = arena.allocate(total, 64);
            offset = new long[messages.length];
            length = new int[messages.length];
            long at = 0;
            for (int i = 0; i < messages.length; i++)
            {
                MemorySegment.copy(encoded[i], 0, memory, ValueLayout.JAVA_BYTE, at, encoded[i].length);
                offset[i] = at;
                length[i] = encoded[i].length;
                at += encoded[i].length;
            }
        }

        double bytesPerEvent()
        {
            return (double)memory.byteSize() / offset.length;
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        arena = Arena.ofShared();
        final SplittableRandom random = new SplittableRandom(SEED);
        final String[] cefText = new String[EVENTS];
        final String[] leefText = new String[EVENTS];
        for (int i = 0; i < EVENTS; i++)
        {
            cefText[i] = cefEvent(random, i);
            leefText[i] = leefEvent(random, i);
        }
        cefMessages = new Messages(arena, cefText);
        leefMessages = new Messages(arena, leefText);
        for (int i = 0; i < EVENTS; i++)
        {
            if (!cef.parse(cefMessages.memory, cefMessages.offset[i], cefMessages.length[i]) ||
                !leef.parse(leefMessages.memory, leefMessages.offset[i], leefMessages.length[i]))
            {
                throw new IllegalStateException("generated event " + i + " rejected: " + cefText[i] + " / " + leefText[i]);
            }
        }
        System.out.printf("%nCEF: %.1f bytes per event; LEEF: %.1f bytes per event%n",
            cefMessages.bytesPerEvent(), leefMessages.bytesPerEvent());
    }

    double cefBytesPerEvent()
    {
        return cefMessages.bytesPerEvent();
    }

    double leefBytesPerEvent()
    {
        return leefMessages.bytesPerEvent();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int cefParse()
    {
        final Messages messages = cefMessages;
        int accepted = 0;
        int i = messages.next;
        for (int n = 0; n < BATCH; n++, i++)
        {
            accepted += cef.parse(messages.memory, messages.offset[i], messages.length[i]) ? cef.extensionCount() : 0;
        }
        messages.next = i == EVENTS ? 0 : i;
        return accepted;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long cefParseAndRead()
    {
        final Messages messages = cefMessages;
        long sum = 0;
        int i = messages.next;
        for (int n = 0; n < BATCH; n++, i++)
        {
            if (cef.parse(messages.memory, messages.offset[i], messages.length[i]))
            {
                sum += cef.severity();
                sum += cef.deviceVendor(text).length();
                sum += cef.extensionAddress("src") + cef.address().low();
                sum += cef.extensionAddress("dst") + cef.address().low();
                sum += cef.extension("suser", text) ? text.length() : 0;
                sum += cef.extension("act", text) ? text.charAt(0) : 0;
            }
        }
        messages.next = i == EVENTS ? 0 : i;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int leefParse()
    {
        final Messages messages = leefMessages;
        int accepted = 0;
        int i = messages.next;
        for (int n = 0; n < BATCH; n++, i++)
        {
            accepted += leef.parse(messages.memory, messages.offset[i], messages.length[i]) ? leef.attributeCount() : 0;
        }
        messages.next = i == EVENTS ? 0 : i;
        return accepted;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long leefParseAndRead()
    {
        final Messages messages = leefMessages;
        long sum = 0;
        int i = messages.next;
        for (int n = 0; n < BATCH; n++, i++)
        {
            if (leef.parse(messages.memory, messages.offset[i], messages.length[i]))
            {
                sum += leef.vendor(text).length();
                sum += leef.attributeAddress("src") + leef.address().low();
                sum += leef.attributeAddress("dst") + leef.address().low();
                sum += leef.attribute("usrName", text) ? text.length() : 0;
                sum += leef.attribute("sev", text) ? text.charAt(0) : 0;
            }
        }
        messages.next = i == EVENTS ? 0 : i;
        return sum;
    }

    private static final String[] ACTIONS = {"blocked", "allowed", "alert", "Delete", "notified"};
    private static final String[] USERS = {"admin", "joe.black", "svc-backup", "CORP\\\\mike", "anna.k"};
    private static final String[] NAMES = {
        "Port scan detected", "Malware callback", "Logon failure", "Policy violation: file upload", "Session created"};

    static String cefEvent(final SplittableRandom random, final int i)
    {
        return "<" + (8 + random.nextInt(180)) + ">Jan 18 11:07:" + (10 + i % 50) + " fw-" + random.nextInt(100) +
            " CEF:0|Vendor " + (i % 7) + "|Firewall|" + (1 + i % 3) + ".2.0|" + (100 + random.nextInt(900)) + "|" +
            NAMES[i % NAMES.length] + "|" + random.nextInt(11) + "|" +
            "rt=Jan 18 2025 11:07:53 src=" + ipv4(random) + " spt=" + random.nextInt(65536) +
            " dst=" + ipv4(random) + " dpt=" + (i % 4 == 0 ? 443 : random.nextInt(1024)) + " proto=TCP" +
            " suser=" + USERS[random.nextInt(USERS.length)] + " duser=" + USERS[random.nextInt(USERS.length)] +
            " act=" + ACTIONS[random.nextInt(ACTIONS.length)] + " cnt=" + random.nextInt(10) +
            " request=https://example.com/app?id\\=" + random.nextInt(100000) + "&q\\=x" +
            " requestMethod=GET cs1Label=Policy cs1=Default Outbound Policy " + (i % 5) +
            " cs2Label=Rule Name cs2=deny any any cn1Label=vlan cn1=" + random.nextInt(4096) +
            " dvc=" + ipv4(random) + " dvchost=fw-" + random.nextInt(100) + ".example.net" +
            " msg=Connection " + ACTIONS[random.nextInt(ACTIONS.length)] + " by rule " + random.nextInt(500) +
            (i % 3 == 0 ? " c6a1Label=Device IPv6 Address c6a1=2001:db8::" + Integer.toHexString(random.nextInt(65536)) : "");
    }

    static String leefEvent(final SplittableRandom random, final int i)
    {
        final String delimiter = i % 2 == 0 ? "\t" : "^";
        final String header = i % 2 == 0 ?
            "LEEF:1.0|Zscaler|NSS-FW|5.5|Drop|" : "LEEF:2.0|Lancope|StealthWatch|1.0|" + (40 + i % 5) + "|^|";
        return "<" + (8 + random.nextInt(180)) + ">Jun 02 16:34:55 sensor-" + random.nextInt(100) + ": " + header +
            "usrName=" + USERS[random.nextInt(USERS.length)] + delimiter + "role=Default Department" + delimiter +
            "src=" + ipv4(random) + delimiter + "dst=" + ipv4(random) + delimiter +
            "srcPort=" + random.nextInt(65536) + delimiter + "dstPort=" + random.nextInt(1024) + delimiter +
            "sev=" + random.nextInt(10) + delimiter + "cat=anomaly" + delimiter + "proto=TCP" + delimiter +
            "nwapp=" + NAMES[random.nextInt(NAMES.length)] + delimiter + "srcBytes=" + random.nextInt(100000) + delimiter +
            "dstBytes=" + random.nextInt(100000) + delimiter + "devTime=Jan 18 2025 11:07:53" + delimiter +
            "devTimeFormat=MMM dd yyyy HH:mm:ss" + delimiter + "destcountry=United States";
    }

    private static String ipv4(final SplittableRandom random)
    {
        return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
    }
}
