-- Which registries images may come from (issue 15): any (the default), only the listed ones, or only
-- Berth's own (air-gapped sites); and the pull-through caches the worker runs, one per upstream,
-- by default one for Docker Hub.
ALTER TABLE "instance_settings" ADD COLUMN "registryRule" TEXT NOT NULL DEFAULT 'any',
  ADD COLUMN "registryAllow" TEXT[] DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "registryCaches" JSONB NOT NULL DEFAULT '[{"registry":"docker.io","upstream":"https://registry-1.docker.io"}]';
