-- CreateTable
CREATE TABLE "log_line" (
    "id" BIGSERIAL NOT NULL,
    "appId" TEXT NOT NULL,
    "streamKey" TEXT NOT NULL,
    "deploymentId" TEXT,
    "ms" BIGINT NOT NULL,
    "seq" INTEGER NOT NULL,
    "container" TEXT,
    "replica" TEXT,
    "stream" TEXT NOT NULL DEFAULT 'stdout',
    "at" TIMESTAMP(3) NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "log_line_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "log_line_appId_deploymentId_ms_seq_idx" ON "log_line"("appId", "deploymentId", "ms", "seq");

-- CreateIndex
CREATE INDEX "log_line_at_idx" ON "log_line"("at");

-- CreateIndex
CREATE UNIQUE INDEX "log_line_streamKey_ms_seq_key" ON "log_line"("streamKey", "ms", "seq");

-- AddForeignKey
ALTER TABLE "log_line" ADD CONSTRAINT "log_line_appId_fkey" FOREIGN KEY ("appId") REFERENCES "app"("id") ON DELETE CASCADE ON UPDATE CASCADE;
