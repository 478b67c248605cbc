/**
 * Generalization: making a value less precise instead of replacing it (issue 7, "Truncation" and
 * "Location"). Each class does one thing, allocates nothing per item, and answers a bad input with
 * a verdict (NaN, -1, {@code false}, a counter) rather than an exception:
 * <ul>
 *   <li>{@link dev.sluice.dataplane.anonymize.generalize.AddressTruncation}: IPv4 /n, IPv6 /n;</li>
 *   <li>{@link dev.sluice.dataplane.anonymize.generalize.TimeTruncation}: epoch nanoseconds to a
 *   unit or a bucket of N units;</li>
 *   <li>{@link dev.sluice.dataplane.anonymize.generalize.Geohash} and
 *   {@link dev.sluice.dataplane.anonymize.generalize.GridSnap}: a position to a cell;</li>
 *   <li>{@link dev.sluice.dataplane.anonymize.generalize.SpeedRounding} and
 *   {@link dev.sluice.dataplane.anonymize.generalize.HeadingRounding}: motion to a step;</li>
 *   <li>{@link dev.sluice.dataplane.anonymize.generalize.KAnonymityGuard}: a position to the finest
 *   geohash cell that k distinct vehicles share in a window, or nothing.</li>
 * </ul>
 * Payload truncation is {@code dev.sluice.dataplane.slice.PayloadSlicer}.
 */
package dev.sluice.dataplane.anonymize.generalize;
