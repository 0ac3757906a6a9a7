-- Repository credentials are sealed at rest, apart from the URL (control/src/repository/repository-url.ts).
-- Sealing needs BERTH_ENCRYPTION_KEY, which the database never sees: rows that still hold credentials
-- in "repoUrl" are sealed by the worker (sealRepositoryCredentials, at its start and before each fetch).
ALTER TABLE "app" ADD COLUMN "repoCredentials" TEXT;
