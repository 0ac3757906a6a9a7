// What the API shows of a registry credential: never the password.
import type { RegistryCredential } from "@berth/db";

export const registryCredentialView = (r: RegistryCredential, nameOf: (id: string | null) => string | null = () => null) => ({
  id: r.id,
  host: r.host,
  username: r.username,
  addedBy: nameOf(r.createdBy),
  createdAt: r.createdAt.toISOString(),
});
