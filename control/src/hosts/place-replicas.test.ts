import assert from "node:assert/strict";
import { test } from "node:test";
import { placeReplicas } from "./place-replicas.ts";

const MB = 1048576;
const h = (id: string, freeMb: number) => ({ id, address: "127.0.0.1", freeMemoryBytes: freeMb * MB, sealKey: null });

test("spreads replicas over hosts before doubling up", () => {
  const placed = placeReplicas([h("a", 1000), h("b", 900)], 3, 100 * MB).map((p) => p.id);
  assert.deepEqual(placed, ["a", "b", "a"]);
});

test("skips hosts without room and says when none has any", () => {
  assert.deepEqual(
    placeReplicas([h("a", 50), h("b", 900)], 2, 100 * MB).map((p) => p.id),
    ["b", "b"],
  );
  assert.throws(() => placeReplicas([h("a", 50)], 1, 100 * MB), /no host has 100 MB free/);
  assert.throws(() => placeReplicas([], 1, MB), /no online host/);
  assert.deepEqual(placeReplicas([], 0, MB), []);
});
