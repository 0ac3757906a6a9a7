"use client";
// A destructive action that asks once more, inline (no browser dialog), before it runs.
import { useState } from "react";
import { dangerButton, secondaryButton } from "./ui";

type Props = {
  /** The button's text, e.g. "Revoke". */
  label: string;
  /** Accessible name when the text alone is ambiguous in a list, e.g. "Revoke token ci". */
  ariaLabel?: string;
  /** The question shown before confirming, e.g. "Revoke ci?". */
  question: string;
  confirmLabel?: string;
  onConfirm: () => Promise<void>;
};

export function ConfirmButton({ label, ariaLabel, question, confirmLabel, onConfirm }: Props) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);

  if (!asking) {
    return (
      <button type="button" className={dangerButton} aria-label={ariaLabel} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="inline-flex flex-col items-end gap-1 whitespace-nowrap">
      <span className="text-sm text-slate-600" role="status">
        {question}
      </span>
      <span className="inline-flex gap-2">
        <button
          type="button"
          disabled={busy}
          className="rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-500 disabled:opacity-60"
          onClick={async () => {
            setBusy(true);
            try {
              await onConfirm();
            } finally {
              setBusy(false);
              setAsking(false);
            }
          }}
        >
          {confirmLabel ?? `Yes, ${label.toLowerCase()}`}
        </button>
        <button type="button" disabled={busy} className={secondaryButton} onClick={() => setAsking(false)}>
          Cancel
        </button>
      </span>
    </span>
  );
}
