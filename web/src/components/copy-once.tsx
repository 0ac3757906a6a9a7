"use client";
// A value shown exactly once (a token's secret, an invitation link), with a copy button.
import { useId, useState } from "react";
import { secondaryButton } from "./ui";

export function CopyOnce({ label, value, warning, onDone, testId }: { label: string; value: string; warning: string; onDone: () => void; testId: string }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded-xl border border-amber-300 bg-amber-50 p-4" data-testid={testId}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="mt-2 flex gap-2">
        <input
          id={id}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm"
        />
        <button
          type="button"
          className={secondaryButton}
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              setCopied(true);
            } catch {
              // No clipboard (plain HTTP on another host): the field is selected for a manual copy.
              document.getElementById(id)?.focus();
            }
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <p className="mt-2 text-sm text-amber-800">{warning}</p>
      <button type="button" className="mt-2 text-sm font-medium text-slate-600 hover:text-slate-900" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
