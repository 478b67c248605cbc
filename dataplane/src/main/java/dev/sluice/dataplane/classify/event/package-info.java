/**
 * The policy's view of events (issue 6): one {@link dev.sluice.policy.field.FieldReader} per event
 * format over its parser ({@code decode.event}), built per policy so that the policy's dynamic
 * fields ({@code syslog.sd.*}, {@code cef.*}, {@code leef.*}, {@code json.*}, {@code can.*}) are
 * resolved once into tables indexed by field id, and re-pointed at each parsed message without
 * allocating. {@link dev.sluice.dataplane.classify.event.EventWorker} is a work-in-progress sketch
 * of the event path: ring, parser by format, policy verdict, counted outcomes.
 */
package dev.sluice.dataplane.classify.event;
