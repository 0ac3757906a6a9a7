-- CreateTable
CREATE TABLE "star" (
    "userId" TEXT NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "star_pkey" PRIMARY KEY ("userId","repositoryId")
);

-- AddForeignKey
ALTER TABLE "star" ADD CONSTRAINT "star_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "star" ADD CONSTRAINT "star_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "image_repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;
