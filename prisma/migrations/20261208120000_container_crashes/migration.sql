-- Crashes made visible (issue 16): what the Engine's event stream says about a replica.
ALTER TABLE "container" ADD COLUMN "restartCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "container" ADD COLUMN "lastExitCode" INTEGER;
ALTER TABLE "container" ADD COLUMN "lastExitAt" TIMESTAMP(3);
ALTER TABLE "container" ADD COLUMN "oomKilled" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "container" ADD COLUMN "memoryLimitBytes" BIGINT;
ALTER TABLE "container" ADD COLUMN "lastStartedAt" TIMESTAMP(3);
