-- The outbound policy's allow list and per-team quotas (issue 14). The settings row always exists
-- from now on, so every reader sees the column defaults without racing to create it.
ALTER TABLE "instance_settings" ADD COLUMN "outboundAllow" TEXT[] DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "maxConcurrentBuilds" INTEGER NOT NULL DEFAULT 3,
  ADD COLUMN "maxReplicas" INTEGER NOT NULL DEFAULT 250,
  ADD COLUMN "maxVolumes" INTEGER NOT NULL DEFAULT 50,
  ADD COLUMN "maxStorageMiB" INTEGER NOT NULL DEFAULT 20480;
INSERT INTO "instance_settings" ("id", "updatedAt") VALUES (1, now()) ON CONFLICT ("id") DO NOTHING;
