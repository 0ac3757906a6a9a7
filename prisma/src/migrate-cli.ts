// `npm run db:migrate`: apply pending migrations to $DATABASE_URL.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "./migrate.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write("DATABASE_URL is not set (npm run up sets it; or export it yourself)\n");
  process.exit(2);
}
const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), "../migrations");
try {
  const { applied, alreadyApplied } = await migrate({ databaseUrl: url, migrationsDir });
  process.stdout.write(`    migrations: ${applied.length} applied${applied.length ? ` (${applied.join(", ")})` : ""}, ${alreadyApplied} already applied\n`);
} catch (err) {
  process.stderr.write(`migration error: ${(err as Error).message}\n`);
  process.exit(1);
}
