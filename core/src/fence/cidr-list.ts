// A setting listing IPv4 ranges (`10.0.5.0/24,192.168.1.7`): what an admin lets tenant code reach
// through its fence (fence-rules.ts).
import { z } from "zod";
import { isIpv4Cidr } from "./fence-rules.ts";

export const cidrList = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .refine((list) => list.every(isIpv4Cidr), { message: "expected IPv4 addresses or ranges separated by commas (10.0.5.0/24,192.168.1.7)" });
