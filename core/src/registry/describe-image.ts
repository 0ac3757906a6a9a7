// Size, platform and layers of a manifest, as the tags table and layer view show them.
import { INDEX_TYPES, type Json, type RegistryClient } from "./registry-client.ts";

export type ImageFacts = {
  sizeBytes: number;
  os: string | null;
  architecture: string | null;
  layers: { digest: string; size: number; createdBy: string | null }[];
};

export async function describeImage(registry: RegistryClient, repo: string, manifest: { mediaType: string; json: Json }): Promise<ImageFacts> {
  if (INDEX_TYPES.has(manifest.mediaType)) {
    const platforms = (manifest.json.manifests ?? []) as { size: number; platform?: { os?: string; architecture?: string } }[];
    return {
      sizeBytes: platforms.reduce((n, m) => n + (m.size ?? 0), 0),
      os: "multi",
      architecture:
        platforms
          .map((p) => p.platform?.architecture)
          .filter(Boolean)
          .join(",") || null,
      layers: [],
    };
  }
  const layers = (manifest.json.layers ?? []) as { digest: string; size: number }[];
  const config = manifest.json.config?.digest ? await registry.getBlobJson(repo, manifest.json.config.digest) : {};
  // History lists every step, including ones that made no layer; pair only those that did.
  const history = ((config.history ?? []) as { created_by?: string; empty_layer?: boolean }[]).filter((h) => !h.empty_layer);
  return {
    sizeBytes: layers.reduce((n, l) => n + l.size, 0) + (manifest.json.config?.size ?? 0),
    os: config.os ?? null,
    architecture: config.architecture ?? null,
    layers: layers.map((l, i) => ({ digest: l.digest, size: l.size, createdBy: history[i]?.created_by ?? null })),
  };
}
