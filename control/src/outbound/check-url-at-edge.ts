// The API's check of a URL a user sets (a webhook, an app's repository): refused at once, with the
// policy's message, when it resolves somewhere the policy refuses. A name that does not resolve
// from here is accepted: it may resolve only where the worker runs, and the worker checks every
// URL again, pinned to the checked address, when it connects (addresses change anyway).
import type { Db } from "@berth/db";
import { checkDestination, isUnresolved } from "./check-destination.ts";
import { loadOutboundPolicy } from "./outbound-policy.ts";

export async function checkUrlAtEdge(db: Db, url: string, opts: { publicUrl: string }): Promise<void> {
  try {
    await checkDestination(await loadOutboundPolicy(db, opts), url);
  } catch (e) {
    if (!isUnresolved(e)) throw e;
  }
}
