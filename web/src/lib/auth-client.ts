"use client";
// better-auth's browser client: same origin as the dashboard.
import { createAuthClient } from "better-auth/react";

export const authClient = createAuthClient();
