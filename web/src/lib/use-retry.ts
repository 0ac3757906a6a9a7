"use client";
// Tries a failed load again after a pause when the failure may pass by itself: the network
// dropped (a browser on a Docker host sees interfaces come and go) or the server answered 5xx.
import { useEffect } from "react";
import type { ApiError } from "./api-client";
import type { Loaded } from "./use-api";

const TRANSIENT = new Set(["NETWORK", "HTTP_ERROR", "INTERNAL", "UNAVAILABLE"]);
export const isTransient = (err: ApiError | undefined) => err !== undefined && (TRANSIENT.has(err.code) || err.status >= 500);

export function useRetry(loaded: Pick<Loaded<unknown>, "error" | "reload" | "loading">, delayMs = 3_000) {
  const { error, reload, loading } = loaded;
  useEffect(() => {
    if (loading || !isTransient(error)) return;
    const t = setTimeout(() => void reload(), delayMs);
    return () => clearTimeout(t);
  }, [error, reload, loading, delayMs]);
}
