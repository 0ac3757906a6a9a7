// Creates prisma/migrations/<timestamp>_<name>/migration.sql from the difference between
// the schema as of the newest migration (schema.migrated.prisma) and schema.prisma.
//
// Why not `prisma migrate dev`: Prisma 7's CLI needs a native schema engine that cannot be
// downloaded offline. Prisma 6.19's CLI (installed as the `prisma6` alias) carries a
// WebAssembly engine that computes the same SQL; it needs a reachable database (the
// running stack's) but does not change it. Run: npm run db:new-migration -- add_widgets
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..");
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  process.stderr.write("usage: npm run db:new-migration -- <name>   (lowercase letters, digits, _)\n");
  process.exit(2);
}

// Prisma 6 wants the url in the datasource block; Prisma 7 forbids it there.
const withUrl = (file: string) => readFileSync(file, "utf8").replace(/datasource db \{/, 'datasource db {\n  url = env("DATABASE_URL")');
const tmp = mkdtempSync(join(tmpdir(), "berth-migration-"));
const to = join(tmp, "to.prisma");
writeFileSync(to, withUrl(join(dir, "schema.prisma")));
const snapshot = join(dir, "schema.migrated.prisma");
const from = existsSync(snapshot) ? ["--from-schema-datamodel", join(tmp, "from.prisma")] : ["--from-empty"];
if (existsSync(snapshot)) writeFileSync(join(tmp, "from.prisma"), withUrl(snapshot));

const out = execFileSync(
  process.execPath,
  [
    join(dir, "../node_modules/prisma6/build/index.js"),
    "migrate",
    "diff",
    "--config",
    join(dir, "scripts/prisma6.config.ts"),
    ...from,
    "--to-schema-datamodel",
    to,
    "--script",
  ],
  {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, PRISMA_QUERY_ENGINE_LIBRARY: "/bin/true", PRISMA_SCHEMA_ENGINE_BINARY: "/bin/true", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  },
);
const sql = out.replace(/^Loaded Prisma config.*\n/m, "").trim();
if (!sql || sql === "-- This is an empty migration.") {
  process.stdout.write("schema.prisma has no changes since the newest migration\n");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const folder = join(dir, "migrations", `${stamp}_${name}`);
mkdirSync(folder, { recursive: true });
writeFileSync(join(folder, "migration.sql"), `${sql}\n`);
copyFileSync(join(dir, "schema.prisma"), snapshot);
process.stdout.write(`wrote ${folder}/migration.sql\n`);
