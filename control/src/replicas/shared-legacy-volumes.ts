// Which of an app's volumes had a name before issue 14 that another app's volume could have had
// too: `berth-<team>-<app>-<volume>` joins three dashed parts, so team "a-b" app "c" and team "a"
// app "b-c" named the same volume. The host does not move such a volume to either app by itself
// (runtime-host/src/containers/migrate-volume.ts): whose data it holds is for an instance admin to say.
// Conservative: any other app whose team and name could join into the same string counts.
import type { Db } from "@berth/db";

type Split = { slug: string; name: string; volume: string };

/** Every way `<team>-<app>-<volume>` reads as another (team, app, volume), each part non-empty. */
export function otherReadings(team: string, app: string, volume: string): Split[] {
  const joined = `${team}-${app}-${volume}`;
  const dashes = [...joined].flatMap((ch, i) => (ch === "-" ? [i] : []));
  const out: Split[] = [];
  for (const [n, i] of dashes.entries()) {
    for (const j of dashes.slice(n + 1)) {
      const split = { slug: joined.slice(0, i), name: joined.slice(i + 1, j), volume: joined.slice(j + 1) };
      if (!split.slug || !split.name || !split.volume) continue;
      if (split.slug === team && split.name === app) continue;
      out.push(split);
    }
  }
  return out;
}

export async function sharedLegacyVolumes(db: Db, app: { id: string; name: string; teamSlug: string }, volumes: string[]): Promise<Set<string>> {
  const readings = volumes.flatMap((volume) => otherReadings(app.teamSlug, app.name, volume).map((r) => ({ ...r, own: volume })));
  if (readings.length === 0) return new Set();
  const pairs = [...new Map(readings.map((r) => [`${r.slug}/${r.name}`, { name: r.name, team: { slug: r.slug } }])).values()];
  const others = await db.app.findMany({ where: { OR: pairs, NOT: { id: app.id } }, select: { name: true, team: { select: { slug: true } } } });
  const taken = new Set(others.map((o) => `${o.team.slug}/${o.name}`));
  return new Set(readings.filter((r) => taken.has(`${r.slug}/${r.name}`)).map((r) => r.own));
}
