// The port of an app created (or given a new image) without one: the image's EXPOSEd port (core's
// portFromImage: the lowest TCP one), with a note for the answer saying so. Null when the image
// exposes none or its config cannot be read (the app keeps its port, 8080 for a new one).
import type { DeployableImage } from "@berth/control/images/deployable-image";
import { deployableImageDefaults } from "@berth/control/images/image-defaults";
import { portFromImage } from "@berth/core/image-config";
import type { AppDeps } from "./app-deps.ts";

export async function imagePort(deps: AppDeps, team: { id: string }, image: DeployableImage): Promise<{ port: number; note: string } | null> {
  try {
    const defaults = await deployableImageDefaults(
      {
        db: deps.db,
        encryptionKey: deps.settings.encryptionKey,
        publicUrl: deps.settings.publicUrl,
        registryCacheDir: deps.settings.registryCacheDir,
        registry: deps.registry,
        hostStaleMs: deps.settings.hostStaleMs,
      },
      team,
      image,
    );
    return defaults ? portFromImage(defaults.exposedPorts) : null;
  } catch (err) {
    deps.log.warn({ err, image: image.ref }, "could not read the image's config for its EXPOSEd port");
    return null;
  }
}
