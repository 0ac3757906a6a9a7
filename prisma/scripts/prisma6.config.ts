// Config for Prisma 6.19's CLI, used only to compute migration SQL offline: its
// "js" engine runs a bundled WebAssembly schema engine, where Prisma 7's CLI
// would need a native binary that cannot be downloaded here.
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma6/config";

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: "../schema.prisma",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "postgresql://localhost/unused" }),
} as never);
