package dev.sluice.cli.reconcile;

import dev.sluice.cli.reconcile.CountersFiles.CoreFigures;
import dev.sluice.cli.reconcile.CountersFiles.GatewayFigures;
import dev.sluice.protocol.accounting.CountersFile;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sluice reconcile --gateway PATH... --core PATH...}: reads the counters files and says
 * whether they balance. Exit status 0 balanced, 1 not, 2 for a usage mistake or a file that cannot
 * be read or understood. Main thread.
 */
public final class ReconcileCommand
{
    public static final int BALANCED = 0;
    public static final int DOES_NOT_BALANCE = 1;
    public static final int BAD_INPUT = 2;

    private ReconcileCommand()
    {
    }

    /**
     * @param gatewayPaths counters files or directories holding one ({@code counters.json})
     * @param corePaths    counters files or directories holding them ({@code REGION.counters.json})
     */
    public static int run(
        final List<Path> gatewayPaths, final List<Path> corePaths, final PrintStream out, final PrintStream err)
    {
        if (gatewayPaths.isEmpty() || corePaths.isEmpty())
        {
            err.println("sluice reconcile: give at least one --gateway PATH and one --core PATH");
            return BAD_INPUT;
        }
        final List<GatewayFigures> gateways = new ArrayList<>();
        final Map<String, CoreFigures> cores = new LinkedHashMap<>();
        try
        {
            final Map<String, Path> gatewayFiles = new LinkedHashMap<>();
            for (final Path path : gatewayPaths)
            {
                for (final Path file : CountersFiles.find(path, CountersFile.KIND_GATEWAY))
                {
                    final GatewayFigures gateway = CountersFiles.readGateway(file);
                    final Path other = gatewayFiles.putIfAbsent(gateway.gatewayId(), file);
                    if (other != null)
                    {
                        throw new CountersFiles.InputException(file + ": gateway " + gateway.gatewayId() +
                            " is given twice (also " + other + ")");
                    }
                    gateways.add(gateway);
                }
            }
            for (final Path path : corePaths)
            {
                for (final Path file : CountersFiles.find(path, CountersFile.KIND_CORE))
                {
                    final CoreFigures core = CountersFiles.readCore(file);
                    final CoreFigures other = cores.putIfAbsent(core.region(), core);
                    if (other != null)
                    {
                        throw new CountersFiles.InputException(file + ": the core of region " + core.region() +
                            " is given twice (also " + other.file() + ")");
                    }
                }
            }
        }
        catch (final CountersFiles.InputException ex)
        {
            err.println("sluice reconcile: " + ex.getMessage());
            return BAD_INPUT;
        }
        return new Reconciliation(out).run(gateways, cores) ? BALANCED : DOES_NOT_BALANCE;
    }
}
