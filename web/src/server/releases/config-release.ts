// A config or env change on a live app: a new release with the live release's image and the
// app's current config and env, numbered under the app's deploy lock (the worker numbers its
// releases under the same lock, so versions never collide).
import type { AppConfig, ReleaseConfig } from "@berth/core";
import type { Db, Release } from "@berth/db";
import { deployLockSql } from "@berth/db/start-deployment";

export async function createConfigRelease(db: Db, opts: { appId: string; live: Release; config: AppConfig; createdBy: string }): Promise<Release> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${deployLockSql(opts.appId)}))`;
    const env = await tx.envVar.findMany({ where: { appId: opts.appId }, orderBy: { key: "asc" } });
    const snapshot: ReleaseConfig = { app: opts.config, env: env.map((e) => ({ key: e.key, value: e.value, secret: e.secret })) };
    const top = await tx.release.aggregate({ where: { appId: opts.appId }, _max: { version: true } });
    return tx.release.create({
      data: {
        appId: opts.appId,
        version: (top._max.version ?? 0) + 1,
        buildId: opts.live.buildId,
        imageRef: opts.live.imageRef,
        digest: opts.live.digest,
        config: snapshot as never,
        createdBy: opts.createdBy,
      },
    });
  });
}
