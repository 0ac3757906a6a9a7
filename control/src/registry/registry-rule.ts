// The instance's rule for where images may come from (Admin → Settings → Registries): any registry,
// only the listed ones, or only Berth's own (air-gapped sites). Applied in openImageSource, the one
// way into another registry, so the API's check, deploys and builds all refuse alike.
import { AppError } from "@berth/core/errors";
import { canonicalRegistry } from "@berth/core/registry-settings";
import type { InstanceSettings } from "../settings/instance-settings.ts";

/** Throws FORBIDDEN, naming the setting, unless the rule lets images come from `registry` (`host[:port]` as in the reference). */
export function assertRegistryAllowed(settings: Pick<InstanceSettings, "registryRule" | "registryAllow">, registry: string): void {
  const wanted = canonicalRegistry(registry);
  switch (settings.registryRule) {
    case "any":
      return;
    case "listed":
      if (settings.registryAllow.some((entry) => canonicalRegistry(entry) === wanted)) return;
      break;
    case "berth":
      break;
    default: {
      const never: never = settings.registryRule;
      throw new Error(`unknown registry rule ${String(never)}`);
    }
  }
  throw new AppError(
    "FORBIDDEN",
    `images from ${wanted} are not allowed on this instance: an instance admin allows registries in Admin → Settings → Registries`,
    { registryRule: settings.registryRule },
  );
}
