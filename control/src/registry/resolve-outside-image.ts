// Resolves a reference in another registry to the one image manifest a host would pull: the
// manifest its tag or digest names, and for a manifest list / OCI index the entry for this
// platform (linux and the architecture Node runs on: the hosts Berth deploys to are alike).
import { AppError } from "@berth/core/errors";
import { formatImageRef, type QualifiedImageRef } from "@berth/core/image-ref";
import { INDEX_TYPES, type Json, MANIFEST_TYPES } from "@berth/core/registry/registry-client";
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
const GOARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x" };

export function hostPlatform(): { os: string; architecture: string } {
  return { os: "linux", architecture: GOARCH[process.arch] ?? process.arch };
}

async function getManifest(session: OutsideSession, ref: QualifiedImageRef, reference: string): Promise<OutsideManifest> {
  const res = await session.get(ref.path, `/manifests/${reference}`, { accept: MANIFEST_TYPES.join(", "), maxBodyBytes: MANIFEST_MAX });
  if (res.status === 404) throw new AppError("BAD_REQUEST", `manifest unknown: ${formatImageRef(ref)} does not exist`);
  if (res.status !== 200) throw new AppError("UNAVAILABLE", `${ref.domain} answered ${res.status} for ${formatImageRef(ref)}`);
  const raw = res.body;
  const digest = String(res.headers["docker-content-digest"] ?? "") || `sha256:${(await import("node:crypto")).createHash("sha256").update(raw).digest("hex")}`;
  const json = JSON.parse(raw.toString("utf8"));
  return { digest, mediaType: String(res.headers["content-type"] ?? json.mediaType ?? ""), raw, json };
}

export async function resolveOutsideImage(session: OutsideSession, ref: QualifiedImageRef): Promise<OutsideImage> {
  const top = await getManifest(session, ref, ref.digest ?? ref.tag ?? "latest");
  const { os, architecture } = hostPlatform();
  const platform = `${os}/${architecture}`;
  if (!INDEX_TYPES.has(top.mediaType) && !Array.isArray(top.json.manifests)) return { digest: top.digest, manifest: top, platform };
  const entry = (top.json.manifests as Json[]).find((m) => m.platform?.os === os && m.platform?.architecture === architecture);
  if (!entry) throw new AppError("BAD_REQUEST", `${formatImageRef(ref)} has no image for ${platform}, the platform of Berth's hosts`);
  return { digest: top.digest, manifest: await getManifest(session, ref, entry.digest), platform };
}
