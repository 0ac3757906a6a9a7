-- AlterTable
ALTER TABLE "app" ADD COLUMN     "config" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "deployment" ADD COLUMN     "buildId" TEXT,
ADD COLUMN     "imageRef" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'image';

-- AddForeignKey
ALTER TABLE "deployment" ADD CONSTRAINT "deployment_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "build"("id") ON DELETE SET NULL ON UPDATE CASCADE;
