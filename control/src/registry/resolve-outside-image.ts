// Resolves a reference in another registry to the one image manifest a host would pull: the
// manifest its tag or digest names, and for a manifest list / OCI index the entry for the hosts'
// platform (control's hosts/hosts-platform.ts: what their Engines report).
import { AppError } from "@berth/core/errors";
import { formatImageRef, type QualifiedImageRef } from "@berth/core/image-ref";
import { formatPlatform, type Platform } from "@berth/core/platform";
import { INDEX_TYPES, type Json, MANIFEST_TYPES } from "@berth/core/registry/registry-client";
import { processPlatform } from "../hosts/hosts-platform.ts";
import type { OutsideSession } from "./outside-session.ts";

export type OutsideManifest = { digest: string; mediaType: string; raw: Buffer; json: Json };
export type OutsideImage = {
  /** The digest of what the reference names (an index for a multi-platform image). */
  digest: string;
  /** The image manifest for this platform (what is copied and pinned). */
  manifest: OutsideManifest;
  platform: string;
};

const MANIFEST_MAX = 4 * 1024 * 1024;

/** This process's platform: the fallback before any host has reported its own. */
export const hostPlatform = (): Platform => processPlatform();

async function getManifest(session: OutsideSession, ref: QualifiedImageRef, reference: string): Promise<OutsideManifest> {
  const res = await session.get(ref.path, `/manifests/${reference}`, { accept: MANIFEST_TYPES.join(", "), maxBodyBytes: MANIFEST_MAX });
  if (res.status === 404) throw new AppError("BAD_REQUEST", `manifest unknown: ${formatImageRef(ref)} does not exist`);
  if (res.status !== 200) throw new AppError("UNAVAILABLE", `${ref.domain} answered ${res.status} for ${formatImageRef(ref)}`);
  const raw = res.body;
  const digest = String(res.headers["docker-content-digest"] ?? "") || `sha256:${(await import("node:crypto")).createHash("sha256").update(raw).digest("hex")}`;
  const json = JSON.parse(raw.toString("utf8"));
  return { digest, mediaType: String(res.headers["content-type"] ?? json.mediaType ?? ""), raw, json };
}

/**
 * `target`: the hosts' platform (control's hosts/hosts-platform.ts); this process's when not given.
 * `platform` in the answer: the target for an index, the image's own (from its config) for a single
 * manifest, as far as the config says.
 */
export async function resolveOutsideImage(session: OutsideSession, ref: QualifiedImageRef, target: Platform = hostPlatform()): Promise<OutsideImage> {
  const top = await getManifest(session, ref, ref.digest ?? ref.tag ?? "latest");
  const platform = formatPlatform(target);
  if (!INDEX_TYPES.has(top.mediaType) && !Array.isArray(top.json.manifests)) return { digest: top.digest, manifest: top, platform };
  const entries = (top.json.manifests as Json[]).filter((m) => m.platform?.os === target.os && m.platform?.architecture === target.architecture);
  // A variant (arm/v7) must match when both name one; otherwise the first of the architecture.
  const entry = entries.find((m) => !target.variant || !m.platform?.variant || m.platform.variant === target.variant);
  if (!entry) throw new AppError("BAD_REQUEST", `${formatImageRef(ref)} has no image for ${platform}, the platform of Berth's hosts`);
  return { digest: top.digest, manifest: await getManifest(session, ref, entry.digest), platform };
}
