-- A deployment that went live and was later followed by a newer live one (only the serving one says live).
ALTER TYPE "DeploymentStatus" ADD VALUE 'replaced';
