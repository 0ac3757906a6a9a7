-- Issue 15: which platform a release's image was resolved for (its digest is in "digest"); the
-- platform each host's Engine runs (its /info: OSType/Architecture); who stored a registry credential.
ALTER TABLE "release" ADD COLUMN "platform" TEXT;
ALTER TABLE "host" ADD COLUMN "platform" TEXT;
ALTER TABLE "registry_credential" ADD COLUMN "createdBy" TEXT;
