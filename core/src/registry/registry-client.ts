// Berth's own reads and deletes against the registry's HTTP API, with short-lived internal
// tokens. Accept headers always list every manifest type: distribution 2.8 otherwise
// rewrites schema2 manifests (and their digests) into schema1.
import { randomUUID } from "node:crypto";
import { AppError } from "../errors.ts";
import type { Grant } from "./grant.ts";
import { signJwt } from "./sign-jwt.ts";
import type { TokenKeys } from "./token-keys.ts";

export const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];
/** The subject of tokens Berth's own processes use; their reads are not counted as pulls. */
export const INTERNAL_SUBJECT = "berth-internal";

/** A token Berth's own processes use to read or delete from the registry. */
export function internalRegistryToken(keys: TokenKeys, service: string, access: Grant[]): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(keys, { iss: "berth", sub: INTERNAL_SUBJECT, aud: service, exp: now + 60, nbf: now - 10, iat: now, jti: randomUUID(), access });
}

export const INDEX_TYPES = new Set(MANIFEST_TYPES.slice(0, 2));

export type RegistryClient = ReturnType<typeof createRegistryClient>;

// biome-ignore lint/suspicious/noExplicitAny: registry documents (manifests, image configs) are read field by field with fallbacks
export type Json = any;

export function createRegistryClient(opts: { baseUrl: string; service: string; keys: () => TokenKeys }) {
  async function request(repo: string, path: string, init: { method?: string; actions: string[]; accept?: string; body?: BodyInit; contentType?: string }) {
    const token = internalRegistryToken(opts.keys(), opts.service, [{ type: "repository", name: repo, actions: init.actions }]);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: init.accept ?? MANIFEST_TYPES.join(", ") };
    if (init.contentType) headers["content-type"] = init.contentType;
    return fetch(`${opts.baseUrl}/v2/${repo}${path}`, { method: init.method ?? "GET", headers, body: init.body });
  }

  return {
    async getManifest(repo: string, reference: string): Promise<{ digest: string; mediaType: string; raw: Buffer; json: Json } | null> {
      const res = await request(repo, `/manifests/${reference}`, { actions: ["pull"] });
      if (res.status === 404) return null;
      if (!res.ok) throw new AppError("UNAVAILABLE", `registry answered ${res.status} for ${repo}:${reference}`);
      const raw = Buffer.from(await res.arrayBuffer());
      return {
        digest: res.headers.get("docker-content-digest") ?? "",
        mediaType: res.headers.get("content-type") ?? "",
        raw,
        json: JSON.parse(raw.toString("utf8")),
      };
    },
    async getBlobJson(repo: string, digest: string): Promise<Json> {
      const res = await request(repo, `/blobs/${digest}`, { actions: ["pull"], accept: "*/*" });
      if (!res.ok) throw new AppError("UNAVAILABLE", `registry answered ${res.status} for blob ${digest}`);
      return res.json();
    },
    async listTags(repo: string): Promise<string[]> {
      const res = await request(repo, "/tags/list", { actions: ["pull"] });
      if (res.status === 404) return [];
      if (!res.ok) throw new AppError("UNAVAILABLE", `registry answered ${res.status} listing tags of ${repo}`);
      return ((await res.json()) as { tags: string[] | null }).tags ?? [];
    },
    async putManifest(repo: string, tag: string, mediaType: string, raw: Buffer): Promise<void> {
      const res = await request(repo, `/manifests/${tag}`, { method: "PUT", actions: ["pull", "push"], body: new Uint8Array(raw), contentType: mediaType });
      if (!res.ok) throw new AppError("UNAVAILABLE", `registry refused to re-tag ${repo}:${tag} (${res.status})`);
    },
    async deleteManifest(repo: string, digest: string): Promise<void> {
      const res = await request(repo, `/manifests/${digest}`, { method: "DELETE", actions: ["delete"] });
      if (!res.ok && res.status !== 404) throw new AppError("UNAVAILABLE", `registry refused to delete ${repo}@${digest} (${res.status})`);
    },
    /** Drops the repository's link to a blob (the blob itself goes at the next garbage collection if nothing else links it). */
    async deleteBlob(repo: string, digest: string): Promise<void> {
      const res = await request(repo, `/blobs/${digest}`, { method: "DELETE", actions: ["delete"] });
      if (!res.ok && res.status !== 404) throw new AppError("UNAVAILABLE", `registry refused to delete blob ${digest} of ${repo} (${res.status})`);
    },
    async catalog(): Promise<string[]> {
      const token = internalRegistryToken(opts.keys(), opts.service, [{ type: "registry", name: "catalog", actions: ["*"] }]);
      const out: string[] = [];
      let url: string | null = `${opts.baseUrl}/v2/_catalog?n=1000`;
      while (url) {
        const res: Response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        if (!res.ok) throw new AppError("UNAVAILABLE", `registry answered ${res.status} for the catalog`);
        out.push(...(((await res.json()) as { repositories: string[] }).repositories ?? []));
        const link = res.headers.get("link")?.match(/<([^>]+)>/)?.[1];
        url = link ? new URL(link, opts.baseUrl).toString() : null;
      }
      return out;
    },
  };
}
