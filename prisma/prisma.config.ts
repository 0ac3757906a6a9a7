// Prisma 7 CLI config: used by `prisma generate` only. Migrations are applied by
// src/migrate.ts (the CLI's schema engine cannot be downloaded offline).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "migrations" },
});
