/**
 * Key metadata of a policy: per region, the epochs of its anonymization keys and when each
 * becomes active. Key material is not part of a policy; gateways provision it inside their region.
 */
package dev.sluice.policy.keys;
