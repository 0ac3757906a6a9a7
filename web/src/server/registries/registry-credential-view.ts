// What the API shows of a registry credential: never the password.
import type { RegistryCredential } from "@berth/db";

export const registryCredentialView = (r: RegistryCredential) => ({ id: r.id, host: r.host, username: r.username, createdAt: r.createdAt.toISOString() });
