package dev.sluice.cli;

import dev.sluice.cli.demo.DemoTraffic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sluice policy explain} and {@code policy diff} on the demo's traffic and the demo's policy:
 * every packet explained once (the totals add up to the capture), dropped packets reach no region,
 * the residency rule and its place are named, and a changed residency shows as a counted change.
 */
@Timeout(120)
class PolicyExplainCommandsTest
{
    private static final Pattern TOTAL = Pattern.compile("^# (.+): ([0-9,]+)$");
    private static final String POLICY = "../config/policies/eu-edge.yaml";
    private static final Pattern IPV4 = Pattern.compile("\\b[0-9]{1,3}(\\.[0-9]{1,3}){3}\\b");

    @TempDir
    Path directory;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private Path capture;

    @BeforeEach
    void writeCapture() throws IOException
    {
        capture = directory.resolve("site.pcap");
        DemoTraffic.write(capture, 500, 7);
    }

    @Test
    void explainsEveryPacketWithItsRuleClassesAndWhatEachRegionReceives()
    {
        assertEquals(0, run("policy", "explain", POLICY, "--sample", capture.toString(), "--limit", "500"), err());
        final List<String> out = out();
        assertTrue(out.getFirst().startsWith("policy 'eu-edge-demo' (" + POLICY + ") on " + capture + ", origin eu-west"),
            out.getFirst());
        assertEquals(500, out.stream().filter((line) -> line.startsWith("#") && !line.startsWith("# ")).count());
        assertTrue(out.contains("# 500 packets"), out.toString());

        long byRule = 0;
        for (final String line : out)
        {
            final Matcher total = TOTAL.matcher(line);
            if (total.matches() && (total.group(1).startsWith("rule '") || List.of("default", "not decoded").contains(total.group(1))))
            {
                byRule += Long.parseLong(total.group(2).replace(",", ""));
            }
        }
        assertEquals(500, byRule, "each packet counted under one rule: " + out);

        // NTP is dropped by the first rule: no region receives it.
        final int ntp = indexOf(out, "udp.dstport=123");
        assertTrue(ntp > 0, out.toString());
        assertTrue(out.get(ntp + 1).contains("rule 'drop-ntp' (" + POLICY + ":10:5): [drop]"), out.get(ntp + 1));
        assertTrue(out.contains("    us-east: nothing - the rule drops it"), out.toString());
        // Kept packets carry pii.ip: raw at home, Crypto-PAn abroad, each with the rule that says so.
        assertTrue(out.contains("    eu-west: raw - pii.ip raw to eu-west (residency at " + POLICY + ":33:5)"), out.toString());
        assertTrue(out.contains("    us-east: transformed - pii.ip after cryptopan to us-east (residency at " + POLICY + ":33:5)"),
            out.toString());
    }

    @Test
    void diffCountsWhatAChangedPolicyDoesDifferently() throws IOException
    {
        assertEquals(0, run("policy", "diff", POLICY, POLICY, "--sample", capture.toString()), err());
        assertTrue(out().contains("# 0 of 500 packets change"), out().toString());

        // The same policy without the transform abroad: whatever went to us-east transformed is now blocked.
        final String strict = Files.readString(Path.of(POLICY)).replace("    after:\n      cryptopan: [us-east]\n", "");
        final Path strictFile = Files.writeString(directory.resolve("strict.yaml"), strict);
        outBytes.reset();
        assertEquals(0, run("policy", "diff", POLICY, strictFile.toString(), "--sample", capture.toString(), "--limit", "1"),
            err());
        final List<String> out = out();
        final String change = out.stream().filter((line) -> line.startsWith("# us-east: transformed -> blocked: "))
            .findFirst().orElseThrow(() -> new AssertionError(out.toString()));
        final long blocked = Long.parseLong(change.substring(change.lastIndexOf(' ') + 1).replace(",", ""));
        assertTrue(out.contains("# " + String.format("%,d", blocked) + " of 500 packets change (the first 1 shown; --limit N)"),
            out.toString());
        assertTrue(out.get(2).startsWith("    old: ") && out.get(2).endsWith("us-east: transformed"), out.get(2));
        assertTrue(out.get(3).startsWith("    new: ") && out.get(3).endsWith("us-east: blocked"), out.get(3));
    }

    @Test
    void theTelcoPackKeepsBearerIdsInTheEuAndPseudonymizesSubscribersOnSharedCaptures()
    {
        final String pack = "../config/policies/telco-edge.yaml";
        // GTP-U user plane (arkime/gtp-u.pcap, 102 packets): flows; subscriber addresses Crypto-PAn'd
        // for the EU analytics region; tunnel ids (bearers) never abroad, so nothing tunnelled reaches us-east.
        assertEquals(0, run("policy", "explain", pack, "--sample", shared("arkime/gtp-u.pcap"), "--limit", "1"), err());
        List<String> out = out();
        assertTrue(out.contains("# rule 'user-plane-as-flows': 102"), out.toString());
        assertTrue(out.contains("# eu-west: {raw=102}"), out.toString());
        assertTrue(out.contains("# eu-central: {transformed=102}"), out.toString());
        assertTrue(out.contains("# us-east: {blocked=102}"), out.toString());
        assertTrue(out.get(3).startsWith("    classes: pii.ip (ip.src, ip.dst, inner.ip.src, inner.ip.dst), pii.bearer (gtp.teid)"),
            out.get(3));

        // GTP over IPv6 with an IPv6 subscriber inside (zeek): the same decisions.
        outBytes.reset();
        assertEquals(0, run("policy", "explain", pack, "--sample", shared("zeek/tunnels_gtp_gtp7_ipv6.pcap")), err());
        out = out();
        assertTrue(out.contains("# us-east: {blocked=2}"), out.toString());

        // Untunnelled DNS (arkime/dns-tcp.pcap): sampled (the first of every 10 kept, as a worker keeps them), and abroad
        // only as Crypto-PAn images.
        outBytes.reset();
        assertEquals(0, run("policy", "explain", pack, "--sample", shared("arkime/dns-tcp.pcap")), err());
        out = out();
        assertTrue(out.contains("# rule 'sample-dns': 20"), out.toString());
        assertTrue(out.contains("# us-east: {nothing=18, transformed=2}"), out.toString());
        assertTrue(out.contains("    us-east: nothing - sampled out (the first of every 10 is kept)"), out.toString());
    }

    @Test
    void theSecurityPackKeepsFailedLoginsOfASharedSshLogAndSendsTheirAddressesAbroadOnlyAsImages()
    {
        final String pack = "../config/policies/security-logs.yaml";
        final String log = sharedFile("syslog/loghub/OpenSSH_2k.log");
        assertEquals(0, run("policy", "explain", pack, "--sample", log, "--limit", "2000"), err());
        final List<String> out = out();
        assertTrue(out.getFirst().endsWith(" on " + log + " (syslog log), origin eu-west"), out.getFirst());
        // The lines have no PRI, so no severity: the failed log-ins are kept by what their message says.
        assertTrue(out.contains("# 2,000 events (the first 2000 shown; --limit N)") || out.contains("# 2,000 events"),
            out.toString());
        assertTrue(out.contains("# rule 'authentication-failures': 1,140"), out.toString());
        assertTrue(out.contains("# default: 860"), out.toString());
        assertTrue(out.contains("# eu-west: {nothing=860, raw=1140}"), out.toString());
        assertTrue(out.contains("# us-east: {nothing=860, raw=8, transformed=1132}"), out.toString());

        // Every kept line with an address goes abroad transformed, and its form holds none of its addresses.
        int checked = 0;
        for (int i = 0; i < out.size(); i++)
        {
            final String line = out.get(i);
            if (!line.startsWith("    transformed form"))
            {
                continue;
            }
            int event = i;
            while (!out.get(event).startsWith("#"))
            {
                event--;
            }
            final Matcher address = IPV4.matcher(out.get(event));
            assertTrue(address.find(), out.get(event));
            do
            {
                assertFalse(line.contains(address.group()), "an address left untransformed: " + line);
            }
            while (address.find());
            checked++;
        }
        assertEquals(1132, checked);
    }

    @Test
    void explainsEachEventOfALogWithItsClassesAndTheTokensAbroad() throws IOException
    {
        final Path log = Files.writeString(directory.resolve("site.log"), String.join("\n",
            "<134>1 2026-11-27T10:00:00Z fw1 ArcSight - - - CEF:0|Vendor|FW|1.0|100|Blocked|9|src=10.1.2.3 suser=alice act=block",
            "<191>Nov 27 10:00:01 host1 cron[12]: debug noise",
            "<34>Nov 27 10:00:02 host1 sudo: pam_unix(sudo:auth): authentication failure; user=bob",
            "<34>1 yesterday host1 sshd - - - Failed password for root",
            "") + "\n");
        final String pack = "../config/policies/security-logs.yaml";
        assertEquals(0, run("policy", "explain", pack, "--sample", log.toString(), "--format", "syslog"), err());
        final List<String> out = out();
        assertTrue(out.contains("# 4 events"), out.toString());
        final int cef = indexOf(out, "#1 cef: ");
        assertTrue(out.get(cef + 1).startsWith("    rule 'cef-high' (" + pack + ":"), out.get(cef + 1));
        assertEquals("    classes: pii.ip (cef.src, 1 address in the text), pii.user (cef.suser)", out.get(cef + 2));
        assertTrue(out.get(cef + 4).startsWith("    us-east: transformed - ") && out.get(cef + 4).contains("pii.user after user to us-east"),
            out.get(cef + 4));
        final String form = out.get(cef + 5);
        assertTrue(form.startsWith("    transformed form") && !form.contains("alice") && !form.contains("10.1.2.3"), form);
        assertTrue(out.get(indexOf(out, "#2 syslog: ") + 2).equals("    eu-west: nothing - the default drops it"), out.toString());
        assertTrue(out.get(indexOf(out, "#3 syslog: ") + 1).contains("rule 'authentication-failures'"), out.toString());
        final int rejected = indexOf(out, "#4 <34>1 yesterday");
        assertTrue(out.get(rejected + 1).equals("    not parsed: dropped before the rules (syslog:invalid_timestamp at byte 6)"),
            out.get(rejected + 1));
        assertTrue(out.contains("# not parsed: 1"), out.toString());

        errBytes.reset();
        assertEquals(2, run("policy", "explain", pack, "--sample", log.toString(), "--format", "netflow"));
        assertTrue(err().contains("--format netflow: a log sample is syslog, cef, leef, json or candump"), err());
        errBytes.reset();
        assertEquals(2, run("policy", "explain", pack, "--sample", capture.toString(), "--format", "syslog"));
        assertTrue(err().contains("is a capture: --format is for logs, leave it out"), err());
    }

    @Test
    void explainsWhereARoutedOrTaggedEventGoes() throws IOException
    {
        final Path log = Files.writeString(directory.resolve("routes.log"), String.join("\n",
            "<37>Nov 27 10:00:03 host1 sshd[7]: Accepted publickey for alice from 10.0.0.7 port 5022 ssh2",
            "<13>Nov 27 10:00:04 host2 backup: mysql -u root password=hunter2",
            "") + "\n");
        final String pack = "../config/policies/security-logs.yaml";
        assertEquals(0, run("policy", "explain", pack, "--sample", log.toString(), "--format", "syslog"), err());
        final List<String> out = out();
        final int login = indexOf(out, "#1 syslog: ");
        assertTrue(out.get(login + 1).contains("rule 'authentication'") && out.get(login + 1).contains("route eu-west"),
            out.get(login + 1));
        assertTrue(out.get(login + 3).startsWith("    eu-west: transformed - ") || out.get(login + 3).startsWith("    eu-west: raw"),
            out.get(login + 3));
        assertEquals("    us-east: nothing - the rule routes it to eu-west only", out.get(login + 4), out.toString());
        final int secret = indexOf(out, "#2 syslog: ");
        assertEquals("    classes: pii.credential (tagged by the rule)", out.get(secret + 2), out.toString());
        assertTrue(out.get(secret + 3).startsWith("    eu-west: raw - pii.credential raw to eu-west"), out.get(secret + 3));
        assertTrue(out.get(secret + 4).startsWith("    us-east: blocked - pii.credential not allowed to us-east"), out.get(secret + 4));
    }

    @Test
    void rateLimitsAreRunAtEachLinesOwnTime() throws IOException
    {
        final Path policy = Files.writeString(directory.resolve("limit.yaml"), String.join("\n",
            "sluice-policy: 1", "name: limit", "match: first", "default: keep", "regions: [eu-west]",
            "rules:", "  - name: two-a-second", "    when: syslog.appname == \"app\"", "    then: rate-limit 2/s by syslog.hostname",
            "") + "\n");
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            lines.add("<14>Nov 27 10:00:01 host1 app: burst " + i);
        }
        lines.add("<14>Nov 27 10:00:01 host2 app: another host has its own bucket");
        lines.add("<14>1 2026-11-27T10:00:03Z host1 app - - - two seconds later: refilled");
        lines.add("<14>Nov 27 10:00:03 host1 app: and the second token");
        lines.add("<14>Nov 27 10:00:03 host1 app: but not a third");
        final Path log = Files.writeString(directory.resolve("burst.log"), String.join("\n", lines) + "\n");
        assertEquals(0, run("policy", "explain", policy.toString(), "--sample", log.toString()), err());
        final List<String> out = out();
        assertTrue(out.contains("# eu-west: {nothing=3, raw=5}"), out.toString());
        assertEquals("    eu-west: nothing - rate-limited (over 2/s by syslog.hostname at the item's time)",
            out.get(indexOf(out, "#3 syslog: ") + 2), out.toString());
        assertTrue(out.get(indexOf(out, "#5 syslog: ") + 2).startsWith("    eu-west: raw"), out.toString());
        assertTrue(out.get(indexOf(out, "#6 syslog: ") + 2).startsWith("    eu-west: raw"), out.toString());
        assertTrue(out.get(indexOf(out, "#8 syslog: ") + 2).startsWith("    eu-west: nothing - rate-limited"), out.toString());
    }

    @Test
    void underMatchAllEveryMatchingRuleIsNamedAndItsModifiersShown() throws IOException
    {
        final Path policy = Files.writeString(directory.resolve("all.yaml"), String.join("\n",
            "sluice-policy: 1", "name: all", "match: all", "default: keep", "regions: [eu-west, us-east]",
            "rules:",
            "  - name: hide-hosts", "    when: syslog.appname == \"sshd\"", "    then: anonymize syslog.hostname with hmac",
            "  - name: sshd-home", "    when: syslog.appname == \"sshd\"", "    then: route eu-west",
            "  - name: half", "    when: syslog.severity <= 6", "    then: sample 1/2",
            "") + "\n");
        final Path log = Files.writeString(directory.resolve("all.log"),
            "<14>Nov 27 10:00:01 host1 sshd[7]: Accepted publickey for alice\n");
        assertEquals(0, run("policy", "explain", policy.toString(), "--sample", log.toString(), "--format", "syslog"), err());
        final List<String> out = out();
        final int event = indexOf(out, "#1 syslog: ");
        assertTrue(out.get(event + 1).startsWith("    rule 'half' (") && out.get(event + 1).contains(" + rule 'hide-hosts' (") &&
            out.get(event + 1).contains(" + rule 'sshd-home' (") &&
            out.get(event + 1).endsWith(": [sample 1/2, anonymize syslog.hostname with hmac, route eu-west]"), out.get(event + 1));
        assertTrue(out.get(event + 2).startsWith("    eu-west: transformed - the rules anonymize"), out.toString());
        assertEquals("    us-east: nothing - the rule routes it to eu-west only", out.get(event + 3), out.toString());
    }

    @Test
    void diffOnALogCountsTheEventsARemovedRuleNoLongerKeeps() throws IOException
    {
        final String pack = "../config/policies/security-logs.yaml";
        final String text = Files.readString(Path.of(pack));
        final int from = text.indexOf("  - name: authentication-failures");
        final int to = text.indexOf("  - name: authentication ");
        final Path without = Files.writeString(directory.resolve("without.yaml"), text.substring(0, from) + text.substring(to));
        assertEquals(0, run("policy", "diff", pack, without.toString(), "--sample", sharedFile("syslog/loghub/OpenSSH_2k.log"),
            "--limit", "1"), err());
        final List<String> out = out();
        assertTrue(out.contains("# 1,140 of 2,000 events change (the first 1 shown; --limit N)"), out.toString());
        assertTrue(out.contains("# rule: rule 'authentication-failures' -> default: 1,140"), out.toString());
        assertTrue(out.contains("# us-east: transformed -> nothing: 1,132"), out.toString());
    }

    @Test
    void explainSaysACountedEventLeavesOnlyAsItsRulesCountRecord() throws IOException
    {
        final Path counts = Files.writeString(directory.resolve("counts.yaml"), """
            sluice-policy: 1
            name: counts
            match: first
            default: keep
            regions: [eu-west]
            rules:
              - name: failed-logins
                when: syslog.appname == "sshd" and syslog.msg contains "Failed password"
                then: count by syslog.hostname every 1m
            """);
        assertEquals(0, run("policy", "explain", counts.toString(), "--sample", sharedFile("syslog/loghub/OpenSSH_2k.log"),
            "--limit", "2000"), err());
        final List<String> out = out();
        assertTrue(out.contains("# rule 'failed-logins': 520"), out.toString());
        // The other lines hold addresses, which no residency rule lets go: blocked, fail closed.
        assertTrue(out.contains("# eu-west: {blocked=1214, nothing=520, raw=266}"), out.toString());
        assertTrue(out.stream().anyMatch(line -> line.contains(
            "counted: only the rule's count record for its key and window leaves (count by syslog.hostname every 1m)")),
            out.toString());
    }

    @Test
    void theFleetPackSendsALoneVehiclesPositionsNowhereAbroadOnSharedGpsdOutput()
    {
        // gpsd's JSON reports between NMEA sentences (gpsd/bu303-moving.log.chk): one receiver, so one vehicle.
        final String pack = "../config/policies/fleet-depot.yaml";
        final String log = sharedFile("vehicle/gpsd/bu303-moving.log.chk");
        assertEquals(0, run("policy", "explain", pack, "--sample", log, "--format", "json", "--limit", "200"), err());
        final List<String> out = out();
        assertTrue(out.contains("# 116 events"), out.toString());
        assertTrue(out.contains("# not parsed: 81"), "the NMEA sentences are not JSON: " + out);
        assertTrue(out.contains("# rule 'telemetry': 35"), out.toString());
        assertTrue(out.contains("# eu-west: {nothing=81, raw=35}"), out.toString());
        // Positions (TPV) abroad only in a cell 5 vehicles shared: a lone vehicle's are held back.
        // Sky views carry only a time, which leaves bucketed to the minute.
        assertTrue(out.contains("# us-east: {blocked=12, nothing=81, raw=1, transformed=22}"), out.toString());
        final int tpv = indexOf(out, " json: {\"class\":\"TPV\"");
        assertTrue(out.get(tpv + 2).startsWith("    classes: loc.precise (vehicle.lat, vehicle.lon), loc.motion"), out.get(tpv + 2));
        assertTrue(out.get(tpv + 4).startsWith("    us-east: blocked - ") &&
            out.get(tpv + 4).endsWith("could not be transformed (geohash:not_k_anonymous)"), out.get(tpv + 4));
        assertFalse(out.get(tpv + 5).startsWith("    transformed form"), "no region receives that form: " + out.get(tpv + 5));
        final int sky = indexOf(out, " json: {\"class\":\"SKY\",\"time\"");
        assertTrue(out.get(sky + 4).startsWith("    us-east: transformed - loc.time after bucket to us-east"), out.get(sky + 4));
        assertTrue(out.get(sky + 5).contains("\"time\":\"2005-06-09T14:34:00Z\""), out.get(sky + 5));
    }

    private static String sharedFile(final String relative)
    {
        final Path file = Path.of(System.getProperty("sluice.shared.data"), relative);
        assertTrue(Files.isRegularFile(file), "shared file missing: " + file);
        return file.toString();
    }

    private static String shared(final String capture)
    {
        final Path file = Path.of(System.getProperty("sluice.shared.data"), "pcap", capture);
        assertTrue(Files.isRegularFile(file), "shared capture missing: " + file);
        return file.toString();
    }

    @Test
    void anInvalidPolicyOrAMissingSampleSaysWhatToDo() throws IOException
    {
        final Path broken = Files.writeString(directory.resolve("broken.yaml"),
            "sluice-policy: 1\nname: b\nmatch: first\ndefault: keep\nrules:\n  - name: r\n    when: ip.ttl contains \"1\"\n    then: drop\n");
        assertEquals(1, run("policy", "explain", broken.toString(), "--sample", capture.toString()));
        assertTrue(err().contains(broken + ":7:11: error: 'contains' applies to text fields; 'ip.ttl' is an integer field"), err());
        assertTrue(err().contains(broken + ": invalid, nothing explained"), err());

        errBytes.reset();
        assertEquals(2, run("policy", "explain", POLICY));
        assertTrue(err().contains("policy explain: missing --sample FILE (a pcap or pcapng capture, or a log)"), err());

        errBytes.reset();
        assertEquals(2, run("policy", "explain", POLICY, "--sample", capture.toString(), "--origin", "mars"));
        assertTrue(err().contains("--origin mars is not a region of policy 'eu-edge-demo' (eu-west, us-east)"), err());
    }

    private static int indexOf(final List<String> lines, final String part)
    {
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).contains(part))
            {
                return i;
            }
        }
        return -1;
    }

    private int run(final String... args)
    {
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8))
        {
            return SluiceCommand.run(List.of(args), out, err);
        }
    }

    private List<String> out()
    {
        return outBytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private String err()
    {
        return errBytes.toString(StandardCharsets.UTF_8);
    }
}
