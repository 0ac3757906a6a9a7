import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { listMigrations } from "./migrate.ts";

describe("listMigrations", () => {
  it("orders folders by name, ignores loose files, and checksums like Prisma (SHA-256 of the SQL)", () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-mig-"));
    for (const [name, sql] of [
      ["20260102000000_b", "SELECT 2;\n"],
      ["20260101000000_a", "SELECT 1;\n"],
    ] as const) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, "migration.sql"), sql);
    }
    writeFileSync(join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
    const found = listMigrations(dir);
    assert.deepEqual(
      found.map((m) => m.name),
      ["20260101000000_a", "20260102000000_b"],
    );
    assert.equal(found[0]?.checksum, createHash("sha256").update("SELECT 1;\n").digest("hex"));
  });

  it("lists the repository's own migrations, each with SQL", () => {
    const found = listMigrations(join(import.meta.dirname, "../migrations"));
    assert.ok(found.length >= 1);
    // Schema changes, or a data change (a backfill in a migration of its own, after the one adding an enum value).
    for (const m of found) assert.match(m.sql, /CREATE|ALTER|DROP|UPDATE|INSERT|DELETE/);
  });
});
