package dev.sluice.controlplane;

/**
 * What {@link InboundFrameDecoder} made of one inbound frame. Constants; any thread may use them.
 */
enum InboundVerdict
{
    /** A valid GatewayHello, handed to the handler. */
    GATEWAY_HELLO,
    /** A valid PolicyAck, handed to the handler. */
    POLICY_ACK,
    /** A valid PolicySubmit, handed to the handler. */
    POLICY_SUBMIT,
    /** A PolicySubmitChunk whose fields lie inside the frame, handed to the handler. */
    POLICY_SUBMIT_CHUNK,
    /** Shorter than its header, its block or one of its variable length fields. */
    TRUNCATED,
    /** Another schema, or a template the control plane does not receive. */
    UNKNOWN,
    /** Complete, but a field value is invalid (block too short, empty or non-ASCII name, unknown enum value). */
    MALFORMED
}
