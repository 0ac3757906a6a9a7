// Image references as users type them, made fully qualified. A reference without a registry
// host (`acme/web:1`) means Berth's own registry; `127.0.0.1:<port>/…` and `localhost:<port>/…`
// do too. Anything else names another registry and is used as given. A reference without tag
// or digest gets `:latest`, so what is stored says exactly what is pulled.
import { AppError } from "@berth/core";
import type { Db } from "@berth/db";

export const SYSTEM_NAMESPACE = "berth";

export type ImageTarget =
  /** `repository` is the path inside the namespace (`web`, or `group/web`). */
  { kind: "berth"; ref: string; namespace: string; repository: string } | { kind: "external"; ref: string };

export function qualifyImageRef(input: string, registryPort: number): ImageTarget {
  const slash = input.indexOf("/");
  const first = slash === -1 ? "" : input.slice(0, slash);
  const hasHost = first.includes(".") || first.includes(":") || first === "localhost";
  const host = hasHost ? first : null;
  const rest = hasHost ? input.slice(slash + 1) : input;
  const withTag = /[:@]/.test(rest.slice(rest.lastIndexOf("/") + 1)) ? rest : `${rest}:latest`;
  const ours = host === null || host === `127.0.0.1:${registryPort}` || host === `localhost:${registryPort}`;
  if (!ours) return { kind: "external", ref: `${host}/${withTag}` };
  const path = withTag.replace(/@.*$/, "").replace(/:[^/:]*$/, "");
  const i = path.indexOf("/");
  if (i === -1) {
    throw new AppError("BAD_REQUEST", `"${input}" names no namespace: images in Berth's registry are <team>/<repository>[:tag], e.g. acme/web:1`);
  }
  return { kind: "berth", ref: `127.0.0.1:${registryPort}/${withTag}`, namespace: path.slice(0, i), repository: path.slice(i + 1) };
}

/**
 * The app's team must be able to pull the image: its own namespace, the base images under
 * `berth/`, or a public repository. Whether another team's private repository exists is not said.
 */
export async function assertTeamMayPull(db: Db, team: { slug: string }, target: ImageTarget): Promise<void> {
  if (target.kind === "external") return;
  if (target.namespace === team.slug || target.namespace === SYSTEM_NAMESPACE) return;
  const repo = await db.imageRepository.findFirst({ where: { name: target.repository, team: { slug: target.namespace } }, select: { public: true } });
  if (repo?.public) return;
  throw new AppError(
    "FORBIDDEN",
    `team ${team.slug} may not pull ${target.ref}: it is not in ${team.slug}/ or berth/ and is not a public repository; push it to ${team.slug}/… or have its owners make it public`,
  );
}

/** Qualifies and checks a reference in one go; returns what to store. */
export async function resolveImage(db: Db, team: { slug: string }, input: string, registryPort: number): Promise<ImageTarget> {
  const target = qualifyImageRef(input, registryPort);
  await assertTeamMayPull(db, team, target);
  return target;
}
