"use client";
// What Berth chose for the app when it was created or given a new image (its port from the image's
// EXPOSE), shown once at the top of the app's page.
import { secondaryButton } from "@/components/ui";
import { useAppNotes } from "@/lib/app-notes";

export function AppNotes({ team, app }: { team: string; app: string }) {
  const [notes, dismiss] = useAppNotes(team, app);
  if (notes.length === 0) return null;
  return (
    <div className="flex items-start justify-between gap-4 rounded-md bg-sky-50 px-4 py-3 text-sm text-sky-900" role="status" data-testid="app-notes">
      <ul className="space-y-1">
        {notes.map((n) => (
          <li key={n}>Using {n}.</li>
        ))}
      </ul>
      <button type="button" className={secondaryButton} onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
