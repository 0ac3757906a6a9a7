// An admin's new pull-through caches, checked before they are stored: each upstream goes through
// the outbound policy (a private or loopback upstream only where an admin allowed it), since the
// cache process then connects to it on its own. A name that does not resolve now is stored (a
// registry that will exist later); the worker does not start a cache whose upstream the policy refuses.
import { type AllowEntry, parseAllowEntry } from "@berth/core/outbound-allow";
import type { RegistryCache } from "@berth/core/registry-settings";
import { checkDestination, isUnresolved } from "../outbound/check-destination.ts";
import type { OutboundPolicy } from "../outbound/outbound-policy.ts";

/** `outboundAllow`: the allow list being stored with the caches, if it changes in the same request. */
export async function checkCacheUpstreams(policy: OutboundPolicy, caches: readonly RegistryCache[], outboundAllow?: readonly string[]): Promise<void> {
  const effective: OutboundPolicy = outboundAllow
    ? { ...policy, allow: outboundAllow.map(parseAllowEntry).filter((e): e is AllowEntry => e !== null) }
    : policy;
  for (const cache of caches) {
    try {
      await checkDestination(effective, `${cache.upstream}/v2/`);
    } catch (e) {
      if (isUnresolved(e)) continue;
      throw e;
    }
  }
}
