package dev.sluice.policy.action;

/**
 * What a rule does to the payload of the packets it forwards: the bytes after the innermost
 * L4 header (or after the innermost IP header when there is no L4 header the decoder
 * understood). Headers are never touched; lengths and checksums are fixed so that the packet
 * stays valid. Immutable; any thread.
 */
public enum PayloadAction
{
    /** The payload is forwarded whole. */
    NONE,
    /** The first {@link RuleActions#payloadBytes()} bytes of the payload are kept, the rest cut off. */
    TRUNCATE,
    /** The whole payload is cut off ({@code strip payload}, the same as {@code truncate payload 0}). */
    STRIP
}
