import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppError } from "@berth/core/errors";
import { assertRegistryAllowed } from "./registry-rule.ts";

const refused = (registry: string) => ({
  message: `images from ${registry} are not allowed on this instance: an instance admin allows registries in Admin → Settings → Registries`,
});

describe("the instance's registry rule", () => {
  it("lets any registry through by default", () => {
    assert.doesNotThrow(() => assertRegistryAllowed({ registryRule: "any", registryAllow: [] }, "ghcr.io"));
  });

  it("lets only the listed registries through, Docker Hub under any of its names", () => {
    const settings = { registryRule: "listed" as const, registryAllow: ["docker.io", "registry.example.com:5000"] };
    assert.doesNotThrow(() => assertRegistryAllowed(settings, "index.docker.io"));
    assert.doesNotThrow(() => assertRegistryAllowed(settings, "Registry.Example.com:5000"));
    assert.throws(() => assertRegistryAllowed(settings, "registry.example.com"), refused("registry.example.com"));
    assert.throws(
      () => assertRegistryAllowed(settings, "ghcr.io"),
      (e) => e instanceof AppError && e.code === "FORBIDDEN",
    );
  });

  it("refuses every other registry when only Berth's own is allowed", () => {
    assert.throws(() => assertRegistryAllowed({ registryRule: "berth", registryAllow: ["ghcr.io"] }, "ghcr.io"), refused("ghcr.io"));
  });
});
