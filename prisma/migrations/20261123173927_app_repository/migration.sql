-- AlterTable
ALTER TABLE "app" ADD COLUMN     "repoBranch" TEXT,
ADD COLUMN     "repoUrl" TEXT,
ADD COLUMN     "webhookSecret" TEXT;
