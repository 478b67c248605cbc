package dev.sluice.cli.faults;

/**
 * The policy of the delivery and fault tests: one region, every record kept and sent there raw,
 * so whatever reaches the core's recording can be counted against what the gateway took in.
 */
public final class KeepAllPolicy
{
    public static final String EU_WEST = """
        sluice-policy: 1
        name: keep-all
        match: first
        default: keep
        regions: [eu-west]
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
        """;

    private KeepAllPolicy()
    {
    }
}
