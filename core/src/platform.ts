// Platforms as image indexes name them (`linux/amd64`, `linux/arm64`, `linux/arm/v7`): what a
// host's Engine runs (its /info reports the kernel's `uname -m`) and what an image is resolved for.

export type Platform = { os: string; architecture: string; variant?: string };

// uname -m → GOARCH (and variant), as the Engine itself maps them for image selection.
const UNAME: Record<string, Platform["architecture"] | [string, string]> = {
  x86_64: "amd64",
  amd64: "amd64",
  aarch64: "arm64",
  arm64: "arm64",
  armv7l: ["arm", "v7"],
  armv6l: ["arm", "v6"],
  i386: "386",
  i686: "386",
  ppc64le: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

/** The platform of an Engine from its /info (`OSType`, `Architecture`). */
export function enginePlatform(osType: string, architecture: string): Platform {
  const arch = UNAME[architecture] ?? architecture;
  return Array.isArray(arch) ? { os: osType, architecture: arch[0], variant: arch[1] } : { os: osType, architecture: arch };
}

export const formatPlatform = (p: Platform): string => [p.os, p.architecture, p.variant].filter(Boolean).join("/");

export function parsePlatform(text: string): Platform | null {
  const [os, architecture, variant] = text.split("/");
  if (!os || !architecture) return null;
  return variant ? { os, architecture, variant } : { os, architecture };
}
