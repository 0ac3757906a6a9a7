import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { databaseUrl, parseConfig, port } from "./config.ts";

const schema = z.object({ DATABASE_URL: databaseUrl, PORT: port(3000) });

describe("parseConfig", () => {
  it("applies defaults and coerces numbers", () => {
    assert.deepEqual(parseConfig(schema, { DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/db" }, "t"), {
      DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/db",
      PORT: 3000,
    });
    assert.equal(parseConfig(schema, { DATABASE_URL: "postgresql://h/db", PORT: "8081" }, "t").PORT, 8081);
  });

  it("names every invalid setting and the process in one error", () => {
    assert.throws(
      () => parseConfig(schema, { DATABASE_URL: "mysql://h/db", PORT: "70000" }, "worker"),
      (err: Error) => err.message.startsWith("worker: invalid configuration") && err.message.includes("DATABASE_URL") && err.message.includes("PORT"),
    );
  });
});
