"use client";
// What Berth chose for an app on the user's behalf ("port 5432, from the image's EXPOSE": the API's
// `notes`), carried from the form that got them to the app's page, which shows them once. Session
// storage, so a navigation (the new-app form) or a remount (the settings form) does not lose them.
import { useEffect, useState } from "react";

const key = (team: string, app: string) => `berth:app-notes:${team}/${app}`;
const EVENT = "berth:app-notes";

export function rememberAppNotes(team: string, app: string, notes: readonly string[]): void {
  if (notes.length === 0) return;
  sessionStorage.setItem(key(team, app), JSON.stringify(notes));
  window.dispatchEvent(new Event(EVENT));
}

/** The notes left for this app (taken: shown once), and a way to dismiss them. */
export function useAppNotes(team: string, app: string): [string[], () => void] {
  const [notes, setNotes] = useState<string[]>([]);
  useEffect(() => {
    const take = () => {
      const raw = sessionStorage.getItem(key(team, app));
      if (raw === null) return;
      sessionStorage.removeItem(key(team, app));
      try {
        const parsed: unknown = JSON.parse(raw);
        if (Array.isArray(parsed)) setNotes(parsed.map(String));
      } catch {
        // Not ours: nothing to show.
      }
    };
    take();
    window.addEventListener(EVENT, take);
    return () => window.removeEventListener(EVENT, take);
  }, [team, app]);
  return [notes, () => setNotes([])];
}
