-- A team's credentials for other registries (issue 15); the password sealed with BERTH_ENCRYPTION_KEY.
CREATE TABLE "registry_credential" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "password" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "registry_credential_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "registry_credential_teamId_host_key" ON "registry_credential"("teamId", "host");
ALTER TABLE "registry_credential" ADD CONSTRAINT "registry_credential_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
