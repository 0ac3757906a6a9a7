// sendPinned through redirects, for callers that follow them (a registry's blob storage, ADD <url>):
// each hop is a new destination, so the policy checks it again (check-destination.ts) and the
// request is connected to the address it checked; a hop to another host does not carry the
// previous one's Authorization. Webhooks and git never follow redirects and do not use this.
import { checkDestination } from "./check-destination.ts";
import type { OutboundPolicy } from "./outbound-policy.ts";
import { type PinnedRequest, type PinnedResponse, sendPinned } from "./send-pinned.ts";

/** A hop could not be reached (connection refused, time-out, TLS): `host` is that hop's, `cause` the error. */
export class HopFailed extends Error {
  constructor(
    readonly host: string,
    override readonly cause: unknown,
  ) {
    super(`could not reach ${host}`);
  }
}

/** More redirects than allowed. */
export class TooManyRedirects extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} redirects`);
  }
}

/** The final answer (not a redirect). The policy's refusal of any hop is its AppError, thrown as is. */
export async function sendFollowing(policy: OutboundPolicy, url: string, req: PinnedRequest, maxRedirects: number): Promise<PinnedResponse> {
  let current = url;
  const headers = { ...req.headers };
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const dest = await checkDestination(policy, current);
    let res: PinnedResponse;
    try {
      res = await sendPinned(dest, { ...req, headers });
    } catch (err) {
      throw new HopFailed(dest.url.host, err);
    }
    const location = res.headers.location;
    if (res.status < 300 || res.status >= 400 || !location) return res;
    const next = new URL(location, current);
    if (next.host !== new URL(current).host) delete headers.authorization;
    current = next.href;
  }
  throw new TooManyRedirects(maxRedirects);
}
