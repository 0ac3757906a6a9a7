-- A host reports its public key; secrets for its containers are sealed to it.
ALTER TABLE "host" ADD COLUMN "sealKey" TEXT;
