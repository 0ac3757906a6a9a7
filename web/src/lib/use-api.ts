"use client";
// Loads one API route's answer into a client component, with a reload after changes.
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "./api-client";

export type Loaded<T> = { data: T | undefined; error: ApiError | undefined; loading: boolean; reload: () => Promise<void> };

export function useApi<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  // Answers to an older key arrive late sometimes; only the latest request may set state.
  const seq = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what is loaded; `load` is read through a ref
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (mine !== seq.current) return;
      setData(value);
      setError(undefined);
    } catch (err) {
      if (mine !== seq.current) return;
      setError(err instanceof ApiError ? err : new ApiError("INTERNAL", err instanceof Error ? err.message : "failed to load", 0));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [key]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, error, loading, reload };
}
