package dev.sluice.policy.action;

/**
 * The parameters of the anonymization methods, from a policy's optional {@code anonymization:}
 * section: one value per policy, so every record and every destination that a method transforms
 * gets the same form (an analyst can then join on it). Immutable; any thread.
 *
 * @param truncateIpv4Bits    prefix kept by {@code truncate} for IPv4, 0..32.
 * @param truncateIpv6Bits    prefix kept by {@code truncate} for IPv6, 0..128.
 * @param keepEmailDomain     whether {@code email} keeps the domain (else it is pseudonymized too).
 * @param geohashPrecision    geohash characters {@code geohash} aims for, 1..12 (6: about 1.2 km x 0.6 km).
 * @param geohashMinPrecision the coarsest cell the k-anonymity guard may fall back to before suppressing, 1..precision.
 * @param kAnonymity          distinct vehicles a cell needs in the window before positions in it are shown; 1 turns the guard off.
 * @param kWindowNs           the k-anonymity window, nanoseconds.
 * @param speedStep           what {@code round} rounds a speed to a multiple of (in the message's unit).
 * @param headingStep         what {@code round} rounds a heading to a multiple of, degrees; divides 360.
 * @param timeBucketNs        what {@code bucket} cuts a time down to a multiple of, nanoseconds.
 */
public record AnonymizationSettings(
    int truncateIpv4Bits,
    int truncateIpv6Bits,
    boolean keepEmailDomain,
    int geohashPrecision,
    int geohashMinPrecision,
    int kAnonymity,
    long kWindowNs,
    int speedStep,
    int headingStep,
    long timeBucketNs)
{
    public static final int DEFAULT_TRUNCATE_IPV4_BITS = 24;
    public static final int DEFAULT_TRUNCATE_IPV6_BITS = 48;
    public static final int DEFAULT_GEOHASH_PRECISION = 6;
    public static final int DEFAULT_GEOHASH_MIN_PRECISION = 3;
    public static final int MAX_GEOHASH_PRECISION = 12;
    public static final int DEFAULT_K_ANONYMITY = 5;
    public static final int MAX_K_ANONYMITY = 1_000;
    public static final long DEFAULT_K_WINDOW_NS = 5L * 60 * 1_000_000_000L;
    public static final int DEFAULT_SPEED_STEP = 5;
    public static final int DEFAULT_HEADING_STEP = 45;
    public static final long DEFAULT_TIME_BUCKET_NS = 60_000_000_000L;

    /** The settings of a policy without an {@code anonymization:} section. */
    public static final AnonymizationSettings DEFAULTS = new AnonymizationSettings(
        DEFAULT_TRUNCATE_IPV4_BITS, DEFAULT_TRUNCATE_IPV6_BITS, true,
        DEFAULT_GEOHASH_PRECISION, DEFAULT_GEOHASH_MIN_PRECISION, DEFAULT_K_ANONYMITY, DEFAULT_K_WINDOW_NS,
        DEFAULT_SPEED_STEP, DEFAULT_HEADING_STEP, DEFAULT_TIME_BUCKET_NS);
}
