// A new immutable release: the next version number, the image pinned by digest, and a
// snapshot of the app's config and env (secrets stay sealed). Also tags the image
// `<team>/<app>:v<version>` in the registry so people can pull exactly what a release ran.
import { appConfig, DEFAULT_APP_CONFIG, type ReleaseConfig } from "@berth/core/apps";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import type { Db, Release } from "@berth/db";

export async function snapshotConfig(db: Db, appId: string, rawConfig: unknown): Promise<ReleaseConfig> {
  const parsed = appConfig.safeParse(rawConfig ?? {});
  const env = await db.envVar.findMany({ where: { appId }, orderBy: { key: "asc" } });
  return {
    app: parsed.success ? parsed.data : DEFAULT_APP_CONFIG,
    env: env.map((v) => ({ key: v.key, value: v.value, secret: v.secret })),
  };
}

export async function createRelease(
  deps: { db: Db; registry: RegistryClient },
  input: { appId: string; appRepo: string; imageRef: string; digest: string; buildId?: string | null; config: ReleaseConfig; createdBy: string | null },
): Promise<Release> {
  let release: Release | null = null;
  // Versions are allocated max+1; a concurrent config change may take the same number: retry.
  for (let attempt = 0; attempt < 5 && !release; attempt++) {
    const last = await deps.db.release.findFirst({ where: { appId: input.appId }, orderBy: { version: "desc" }, select: { version: true } });
    try {
      release = await deps.db.release.create({
        data: {
          appId: input.appId,
          version: (last?.version ?? 0) + 1,
          buildId: input.buildId ?? null,
          imageRef: input.imageRef,
          digest: input.digest,
          config: input.config,
          createdBy: input.createdBy,
        },
      });
    } catch (err) {
      if ((err as { code?: string }).code !== "P2002") throw err;
    }
  }
  if (!release) throw new Error("could not allocate a release version");
  // Only images built for this app live in its repository; deployed outside images keep their name.
  if (input.imageRef.includes(`/${input.appRepo}@`)) {
    const manifest = await deps.registry.getManifest(input.appRepo, input.digest);
    if (manifest) await deps.registry.putManifest(input.appRepo, `v${release.version}`, manifest.mediaType, manifest.raw);
  }
  return release;
}
