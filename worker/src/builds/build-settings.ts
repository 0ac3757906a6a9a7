// The app's build settings (core/src/apps.ts buildSettings), read when its build starts. Build
// arguments end up in the image history (the classic builder records them in the layers' commands),
// so one that names or carries a secret env var of the app is refused rather than built into it.
import { type BuildSettings, buildSettings } from "@berth/core/apps";
import { open } from "@berth/core/secret-box";
import type { Db } from "@berth/db";
import { BuildFailure } from "./build-errors.ts";

export async function loadBuildSettings(db: Db, opts: { appId: string; config: unknown; encryptionKey: string }): Promise<BuildSettings> {
  const raw = (opts.config as { build?: unknown } | null)?.build;
  const parsed = buildSettings.safeParse(raw ?? {});
  // The API validated it when it was set; a stored value that no longer parses is not guessed at.
  if (!parsed.success) throw new BuildFailure("the app's build settings are not valid any more: set them again (PATCH the app with config.build)");
  const settings = parsed.data;
  const args = Object.entries(settings.args ?? {});
  if (args.length === 0) return settings;
  const secrets = await db.envVar.findMany({ where: { appId: opts.appId, secret: true }, select: { key: true, value: true } });
  for (const [name] of args) {
    if (secrets.some((s) => s.key === name)) {
      throw new BuildFailure(`build argument ${name} has the name of a secret env var: build arguments are not secret (the image history keeps them)`);
    }
  }
  const values = new Set(secrets.map((s) => open(opts.encryptionKey, s.value)).filter((v) => v !== ""));
  for (const [name, value] of args) {
    if (values.has(value)) {
      throw new BuildFailure(`build argument ${name} holds the value of a secret env var: build arguments are not secret (the image history keeps them)`);
    }
  }
  return settings;
}
