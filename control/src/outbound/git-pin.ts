// git's settings that hold a fetch to the destination the policy checked: curl connects to the
// checked address (`http.curloptResolve`, git ≥ 2.37) whatever the name resolves to then, and no
// redirect is followed (a redirect could name any other host). Only http(s): `git://` has no such
// setting, so Berth does not fetch git:// URLs at all (core/src/apps.ts `repositoryUrl`).
import { ipFamily } from "@berth/core/outbound-allow";
import type { Destination } from "./check-destination.ts";

export function gitPinConfig(dest: Destination): string[] {
  const pin =
    ipFamily(dest.host) !== 0
      ? [] // an address in the URL: nothing to resolve
      : ["-c", `http.curloptResolve=${dest.host}:${dest.port}:${dest.family === 6 ? `[${dest.address}]` : dest.address}`];
  return [...pin, "-c", "http.followRedirects=false"];
}
