import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAppError } from "@berth/core";
import { agreedPlatform, processPlatform } from "./hosts-platform.ts";

describe("the platform images are resolved for", () => {
  it("is the one the hosts report, hosts that report none aside", () => {
    assert.deepEqual(
      agreedPlatform([
        { id: "a", platform: "linux/arm64" },
        { id: "b", platform: null },
        { id: "c", platform: "linux/arm64" },
      ]),
      { os: "linux", architecture: "arm64" },
    );
    assert.deepEqual(agreedPlatform([{ id: "a", platform: "linux/arm/v7" }]), { os: "linux", architecture: "arm", variant: "v7" });
  });

  it("is the control plane's own before any host has reported one", () => {
    assert.deepEqual(agreedPlatform([{ id: "a", platform: null }]), processPlatform());
    assert.deepEqual(agreedPlatform([]), processPlatform());
  });

  it("is refused, naming each host's platform, when the hosts disagree", () => {
    assert.throws(
      () =>
        agreedPlatform([
          { id: "a", platform: "linux/amd64" },
          { id: "b", platform: "linux/arm64" },
          { id: "c", platform: "linux/amd64" },
        ]),
      (err: unknown) =>
        isAppError(err) && err.code === "CONFLICT" && err.message.startsWith("Berth's hosts run different platforms (linux/amd64 on a, c; linux/arm64 on b)"),
    );
  });
});
