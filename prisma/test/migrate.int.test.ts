// The migration applier against the real PostgreSQL, each test in a database of its own.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import pg from "pg";
import { listMigrations, migrate } from "../src/migrate.ts";

const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error("DATABASE_URL is not set: run through `npm test`");
const repoMigrations = join(import.meta.dirname, "../migrations");
const created: string[] = [];

async function freshDatabase(): Promise<string> {
  const name = `berth_test_${randomBytes(6).toString("hex")}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  created.push(name);
  const url = new URL(adminUrl as string);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

after(async () => {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
});

describe("migrate", () => {
  it("applies every migration to an empty database with Prisma's bookkeeping, then nothing on a second run", async () => {
    const url = await freshDatabase();
    const first = await migrate({ databaseUrl: url, migrationsDir: repoMigrations });
    const expected = listMigrations(repoMigrations);
    assert.deepEqual(
      first.applied,
      expected.map((m) => m.name),
    );

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    assert.deepEqual(
      rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count]),
      expected.map((m) => [m.name, m.checksum, 1]),
    );
    assert.ok(rows.every((r) => r.finished_at instanceof Date));

    const tables = await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    for (const t of [
      "user",
      "team",
      "membership",
      "access_token",
      "app",
      "release",
      "deployment",
      "build",
      "host",
      "container",
      "image_repository",
      "image_tag",
      "audit_event",
    ]) {
      assert.ok(
        tables.some((r) => r.tablename === t),
        `table ${t} exists`,
      );
    }

    const second = await migrate({ databaseUrl: url, migrationsDir: repoMigrations });
    assert.deepEqual(second, { applied: [], alreadyApplied: expected.length });
  });

  it("backfills replaced: of each app's live deployments only the newest stays live", async () => {
    const url = await freshDatabase();
    // The repository's migrations up to (not including) the backfill, then rows as an older Berth left them.
    const dir = mkdtempSync(join(tmpdir(), "berth-mig-"));
    const backfill = listMigrations(repoMigrations).findIndex((m) => m.name.endsWith("_deployment_replaced_backfill"));
    assert.ok(backfill > 0);
    for (const m of listMigrations(repoMigrations).slice(0, backfill)) cpSync(join(repoMigrations, m.name), join(dir, m.name), { recursive: true });
    await migrate({ databaseUrl: url, migrationsDir: dir });
    await query(
      url,
      `INSERT INTO team (id, slug, name, "updatedAt") VALUES ('t', 't', 'T', now());
       INSERT INTO app (id, "teamId", name, "updatedAt") VALUES ('a', 't', 'a', now()), ('b', 't', 'b', now());
       INSERT INTO deployment (id, "appId", status, "createdAt") VALUES
         ('a1', 'a', 'live', now() - interval '3 hours'), ('a2', 'a', 'live', now() - interval '2 hours'),
         ('a3', 'a', 'failed', now() - interval '1 hour'), ('b1', 'b', 'live', now());`,
    );
    await migrate({ databaseUrl: url, migrationsDir: repoMigrations });
    const rows = await query<{ id: string; status: string }>(url, `SELECT id, status::text FROM deployment ORDER BY id`);
    assert.deepEqual(
      rows.map((r) => [r.id, r.status]),
      [
        ["a1", "replaced"],
        ["a2", "live"],
        ["a3", "failed"],
        ["b1", "live"],
      ],
    );
  });

  it("refuses to continue when an applied migration's file was edited", async () => {
    const url = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), "berth-mig-"));
    mkdirSync(join(dir, "20260101000000_a"));
    writeFileSync(join(dir, "20260101000000_a", "migration.sql"), "CREATE TABLE a (id int);\n");
    await migrate({ databaseUrl: url, migrationsDir: dir });
    writeFileSync(join(dir, "20260101000000_a", "migration.sql"), "CREATE TABLE a (id bigint);\n");
    await assert.rejects(migrate({ databaseUrl: url, migrationsDir: dir }), /was changed after it was applied/);
  });

  it("rolls back a failing migration, records the error and blocks later runs until it is resolved", async () => {
    const url = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), "berth-mig-"));
    cpSync(repoMigrations, dir, { recursive: true });
    mkdirSync(join(dir, "29990101000000_broken"));
    writeFileSync(join(dir, "29990101000000_broken", "migration.sql"), "CREATE TABLE half (id int);\nSELECT no_such_function();\n");
    await assert.rejects(migrate({ databaseUrl: url, migrationsDir: dir }), /29990101000000_broken failed/);

    const half = await query(url, `SELECT 1 FROM pg_tables WHERE tablename = 'half'`);
    assert.equal(half.length, 0, "the failed migration's statements were rolled back");
    const [row] = await query<{ finished_at: Date | null; logs: string }>(
      url,
      `SELECT finished_at, logs FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`,
    );
    assert.equal(row?.finished_at, null);
    assert.match(row?.logs ?? "", /no_such_function/);
    await assert.rejects(migrate({ databaseUrl: url, migrationsDir: dir }), /failed earlier and was not rolled back/);
  });
});
