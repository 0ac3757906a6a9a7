// An app's default address: `<app>-<team>.<domain>`. Both names may contain dashes, so two
// different pairs can join to the same host name (`a-b` in `c` and `a` in `b-c`); creating an
// app checks that, under a lock on the joined name.
import { AppError } from "@berth/core";
import { appHostname } from "@berth/core/routes";
import type { Db } from "@berth/db";

/** The DNS label an app's default address starts with. */
export const appLabel = (app: string, team: string) => `${app}-${team}`;
/** The app's default hostname: core's one definition (lowercased, as the routing table keys it). */
export const defaultHostname = appHostname;
export const appUrl = (hostname: string, proxyPort: number) => `http://${hostname}${proxyPort === 80 ? "" : `:${proxyPort}`}`;

type Tx = Pick<Db, "$executeRaw" | "$queryRaw">;

/** Refuses a default address that is too long for DNS or already belongs to another app. Call inside a transaction. */
export async function claimDefaultHostname(tx: Tx, app: string, team: string, domain: string): Promise<void> {
  const label = appLabel(app, team);
  const hostname = defaultHostname(app, team, domain);
  if (label.length > 63) {
    throw new AppError(
      "BAD_REQUEST",
      `the app's address ${hostname} has a first label of ${label.length} characters (DNS allows 63); choose a shorter app name`,
    );
  }
  // Held until the transaction ends: two apps that join to the same label cannot both pass.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`app-host:${label}`}))`;
  const taken = await tx.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM app a JOIN team t ON t.id = a."teamId" WHERE a.name || '-' || t.slug = ${label}`;
  const domainTaken = await tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM domain WHERE hostname = ${hostname}`;
  if (Number(taken[0]?.n ?? 0) > 0 || Number(domainTaken[0]?.n ?? 0) > 0) {
    throw new AppError(
      "CONFLICT",
      `the address ${hostname} is already taken by another app (an app name and a team name joined by a dash can coincide with another pair); choose another app name`,
    );
  }
}
