import { toNextJsHandler } from "better-auth/next-js";
import { ctx } from "@/server/context";

export const dynamic = "force-dynamic";

const handler = (req: Request) => toNextJsHandler(ctx().auth)[req.method === "GET" ? "GET" : "POST"](req);

export { handler as GET, handler as POST };
