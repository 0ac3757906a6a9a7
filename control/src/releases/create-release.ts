// A new immutable release: the next version number, taken under the app's deploy lock (web's
// config changes and the worker's deploys number releases the same way, so versions never
// collide), the image pinned by digest, and a snapshot of the app's config and env (secrets stay
// sealed), read inside the same lock.
import type { AppConfig, ReleaseConfig } from "@berth/core/apps";
import { appConfig, DEFAULT_APP_CONFIG } from "@berth/core/apps";
import { parseImageRef } from "@berth/core/image-ref";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import type { Db, Release } from "@berth/db";
import { type Tx, withDeployLock } from "../deployments/deploy-lock.ts";

export type NewRelease = {
  appId: string;
  imageRef: string;
  digest: string | null;
  /** The platform the digest is for (`linux/amd64`), when known. */
  platform?: string | null;
  buildId?: string | null;
  createdBy: string | null;
  /** The app config to freeze; the app's stored config when absent. */
  config?: AppConfig;
};

async function snapshot(tx: Tx, appId: string, config: AppConfig | undefined): Promise<ReleaseConfig> {
  let app = config;
  if (!app) {
    const row = await tx.app.findUniqueOrThrow({ where: { id: appId }, select: { config: true } });
    const parsed = appConfig.safeParse(row.config ?? {});
    app = parsed.success ? parsed.data : DEFAULT_APP_CONFIG;
  }
  const env = await tx.envVar.findMany({ where: { appId }, orderBy: { key: "asc" } });
  return { app, env: env.map((v) => ({ key: v.key, value: v.value, secret: v.secret })) };
}

export async function createRelease(db: Db, input: NewRelease): Promise<Release> {
  return withDeployLock(db, input.appId, async (tx) => {
    const config = await snapshot(tx, input.appId, input.config);
    const top = await tx.release.aggregate({ where: { appId: input.appId }, _max: { version: true } });
    return tx.release.create({
      data: {
        appId: input.appId,
        version: (top._max.version ?? 0) + 1,
        buildId: input.buildId ?? null,
        imageRef: input.imageRef,
        digest: input.digest,
        platform: input.platform ?? null,
        config: config as never,
        createdBy: input.createdBy,
      },
    });
  });
}

/** Tags an image built for the app `<team>/<app>:v<version>`, so people can pull exactly what a release ran. */
export async function tagReleaseImage(registry: RegistryClient, appRepo: string, release: Pick<Release, "imageRef" | "digest" | "version">): Promise<void> {
  // Only images built for this app live in its repository; deployed outside images keep their name.
  const ref = parseImageRef(release.imageRef);
  if (!release.digest || !ref.ok || ref.ref.path !== appRepo || ref.ref.digest === undefined) return;
  const manifest = await registry.getManifest(appRepo, release.digest);
  if (manifest) await registry.putManifest(appRepo, `v${release.version}`, manifest.mediaType, manifest.raw);
}
