import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { imageDefaults, portFromImage } from "./image-config.ts";
import { enginePlatform, formatPlatform } from "./platform.ts";

describe("an image's config", () => {
  it("exposes its TCP ports ascending, without UDP or duplicates", () => {
    const d = imageDefaults({ config: { ExposedPorts: { "9090/tcp": {}, "53/udp": {}, "8081": {}, "8081/tcp": {} } } });
    assert.deepEqual(d.exposedPorts, [8081, 9090]);
    assert.deepEqual(imageDefaults({}).exposedPorts, []);
  });

  it("reads a HEALTHCHECK in seconds, with the Engine's defaults for what it leaves out", () => {
    const d = imageDefaults({ config: { Healthcheck: { Test: ["CMD-SHELL", "pg_isready"], Interval: 2e9, Retries: 5 } } });
    assert.deepEqual(d.healthcheck, { test: ["CMD-SHELL", "pg_isready"], intervalS: 2, timeoutS: 30, startPeriodS: 0, retries: 5 });
    assert.equal(imageDefaults({ config: { Healthcheck: { Test: ["NONE"] } } }).healthcheck, null);
  });

  it("says its platform", () => {
    assert.equal(imageDefaults({ os: "linux", architecture: "arm", variant: "v7" }).platform, "linux/arm/v7");
    assert.equal(imageDefaults({}).platform, null);
  });
});

describe("the port from an image", () => {
  it("is the only one exposed, or the lowest of several, with a note naming them", () => {
    assert.deepEqual(portFromImage([5432]), { port: 5432, note: "port 5432, from the image's EXPOSE" });
    assert.equal(portFromImage([80, 443])?.port, 80);
    assert.match(portFromImage([80, 443])?.note ?? "", /\(80, 443\)/);
    assert.equal(portFromImage([]), null);
  });
});

describe("an Engine's platform", () => {
  it("maps the kernel's machine names to image platforms", () => {
    assert.equal(formatPlatform(enginePlatform("linux", "x86_64")), "linux/amd64");
    assert.equal(formatPlatform(enginePlatform("linux", "aarch64")), "linux/arm64");
    assert.equal(formatPlatform(enginePlatform("linux", "armv7l")), "linux/arm/v7");
  });
});
