package dev.sluice.dataplane.source.afpacket;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A veth pair made for one test class: {@link #receiveInterface()} stays in this process's
 * network namespace, {@link #injectInterface()} is moved into a new namespace
 * {@link #namespace()}. IPv6 is disabled on both ends before they come up and neither has an
 * IPv4 address, so the kernel sends nothing on its own (no router solicitations, no MLD).
 * <p>
 * Needs root and iproute2. Without them the tests are skipped, unless the system property
 * {@code sluice.netns.required} is true (the launcher's {@code ./sluice test} sets it), where
 * they fail instead.
 */
final class VethNamespace implements AutoCloseable
{
    static final String REQUIRED_PROP_NAME = "sluice.netns.required";

    private final String namespace;
    private final String receiveInterface;
    private final String injectInterface;

    private VethNamespace(final String namespace, final String receiveInterface, final String injectInterface)
    {
        this.namespace = namespace;
        this.receiveInterface = receiveInterface;
        this.injectInterface = injectInterface;
    }

    static VethNamespace create() throws IOException, InterruptedException
    {
        final String missing = missingPrerequisite();
        if (missing != null)
        {
            if (Boolean.getBoolean(REQUIRED_PROP_NAME))
            {
                throw new IllegalStateException("AF_PACKET tests need " + missing + " (" + REQUIRED_PROP_NAME +
                    "=true: ./sluice test runs them as root and installs iproute2)");
            }
            Assumptions.abort("AF_PACKET tests skipped: they need " + missing);
        }
        final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        final VethNamespace veth = new VethNamespace("sluice-test-" + suffix, "slA" + suffix, "slB" + suffix);
        try
        {
            veth.setUp();
        }
        catch (final IOException | RuntimeException ex)
        {
            veth.close();
            throw ex;
        }
        return veth;
    }

    private static String missingPrerequisite()
    {
        if (!"root".equals(System.getProperty("user.name")))
        {
            return "root (network namespaces and AF_PACKET sockets)";
        }
        for (final String dir : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"))
        {
            if (Files.isExecutable(Path.of(dir)))
            {
                return null;
            }
        }
        return "iproute2 (the `ip` command)";
    }

    private void setUp() throws IOException, InterruptedException
    {
        run("ip", "netns", "add", namespace);
        run("ip", "link", "add", receiveInterface, "type", "veth", "peer", "name", injectInterface);
        run("ip", "link", "set", injectInterface, "netns", namespace);
        disableIpv6("/proc/sys/net/ipv6/conf/" + receiveInterface + "/disable_ipv6");
        run("ip", "netns", "exec", namespace, "sh", "-c",
            "if [ -e /proc/sys/net/ipv6/conf/" + injectInterface + "/disable_ipv6 ]; then echo 1 > /proc/sys/net/ipv6/conf/" +
            injectInterface + "/disable_ipv6; fi");
        run("ip", "link", "set", receiveInterface, "mtu", "9000", "up");
        run("ip", "netns", "exec", namespace, "ip", "link", "set", injectInterface, "mtu", "9000", "up");
    }

    private static void disableIpv6(final String file) throws IOException
    {
        final Path path = Path.of(file);
        if (Files.exists(path))
        {
            Files.writeString(path, "1\n", StandardCharsets.US_ASCII);
        }
    }

    String namespace()
    {
        return namespace;
    }

    String receiveInterface()
    {
        return receiveInterface;
    }

    String injectInterface()
    {
        return injectInterface;
    }

    AfPacketSender openSender() throws IOException
    {
        return AfPacketSender.open(namespace, injectInterface);
    }

    @Override
    public void close() throws IOException, InterruptedException
    {
        final List<String> failures = new ArrayList<>();
        quietly(failures, "ip", "link", "del", receiveInterface);
        quietly(failures, "ip", "netns", "del", namespace);
    }

    private static void quietly(final List<String> failures, final String... command) throws InterruptedException
    {
        try
        {
            run(command);
        }
        catch (final IOException ex)
        {
            failures.add(ex.getMessage());
        }
    }

    static void run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": timed out");
        }
        if (process.exitValue() != 0)
        {
            throw new IOException(String.join(" ", command) + ": exit " + process.exitValue() + ": " + output.strip());
        }
    }
}
