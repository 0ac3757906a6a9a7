-- Its own migration: PostgreSQL cannot use an enum value in the transaction that added it, and
-- each migration runs in one transaction (prisma/src/migrate.ts).
-- Earlier live deployments of each app become replaced; the newest live one (the app's live
-- release, control/src/releases/live-release.ts) stays live.
UPDATE "deployment" SET "status" = 'replaced'
WHERE "status" = 'live'
  AND "id" NOT IN (
    SELECT DISTINCT ON ("appId") "id" FROM "deployment"
    WHERE "status" = 'live'
    ORDER BY "appId", "createdAt" DESC
  );
