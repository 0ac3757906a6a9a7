import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages ship TypeScript source.
  transpilePackages: ["@berth/core", "@berth/control", "@berth/db"],
  // Loaded by Node at run time rather than bundled (native sockets, wasm, worker threads).
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "ioredis", "bullmq", "pino", "dockerode", "better-auth"],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: true }, // `npm run typecheck` checks the whole repo once, with the root tsconfig
  turbopack: { root: new URL("..", import.meta.url).pathname },
};

export default config;
