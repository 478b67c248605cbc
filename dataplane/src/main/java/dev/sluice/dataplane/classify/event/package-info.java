/**
 * The policy's view of events (issue 6): one {@link dev.sluice.policy.field.FieldReader} per event
 * format over its parser ({@code decode.event}), built per policy so that the policy's dynamic
 * fields ({@code syslog.sd.*}, {@code cef.*}, {@code leef.*}, {@code json.*}, {@code can.*}) are
 * resolved once into tables indexed by field id, and re-pointed at each parsed message without
 * allocating. {@link dev.sluice.dataplane.classify.event.EventDispatcher} picks the parser and
 * reader for each ring message (CEF and LEEF also inside syslog, one item per NetFlow record) and
 * {@link dev.sluice.dataplane.classify.event.EventRules} holds what each rule does with an event;
 * the event worker ({@code pipeline.EventWorker}) applies them.
 */
package dev.sluice.dataplane.classify.event;
