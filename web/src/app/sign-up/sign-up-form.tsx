"use client";
import { namespaceSlug } from "@berth/core";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { safeNext } from "@/lib/safe-next";

const input = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none";
const MIN_PASSWORD = 10;

export function SignUpForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // onSubmit rather than a form action: React resets a form after an action, and a refused
  // sign-up should keep what the person typed.
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const fields = {
      email: String(form.get("email") ?? "").trim(),
      name: String(form.get("name") ?? "").trim(),
      username: String(form.get("username") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    };
    if (fields.username.length < 2 || fields.username.length > 39) {
      setError("Username: 2 to 39 characters.");
      return;
    }
    const username = namespaceSlug.safeParse(fields.username);
    if (!username.success) {
      setError(`Username: ${username.error.issues[0]?.message ?? "not allowed"}.`);
      return;
    }
    if (fields.password.length < MIN_PASSWORD) {
      setError(`Password: at least ${MIN_PASSWORD} characters.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/auth/sign-up/email", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(fields),
      });
      if (!res.ok) {
        setError(await signUpError(res));
        return;
      }
    } catch {
      setError("Could not reach the server; try again.");
      return;
    } finally {
      setBusy(false);
    }
    router.replace(safeNext(next));
    router.refresh();
  }

  return (
    <form onSubmit={submit} className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <div>
        <label htmlFor="signup-email" className="text-sm font-medium text-slate-700">
          Email
        </label>
        <input id="signup-email" name="email" type="email" required maxLength={254} autoComplete="email" className={input} />
      </div>
      <div>
        <label htmlFor="signup-name" className="text-sm font-medium text-slate-700">
          Name
        </label>
        <input id="signup-name" name="name" type="text" required maxLength={80} autoComplete="name" className={input} />
      </div>
      <div>
        <label htmlFor="signup-username" className="text-sm font-medium text-slate-700">
          Username
        </label>
        <input
          id="signup-username"
          name="username"
          type="text"
          required
          minLength={2}
          maxLength={39}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          aria-describedby="username-hint"
          className={`${input} font-mono`}
        />
        <span id="username-hint" className="mt-1 block text-xs text-slate-500">
          Your personal namespace: lowercase letters, digits and dashes.
        </span>
      </div>
      <div>
        <label htmlFor="signup-password" className="text-sm font-medium text-slate-700">
          Password
        </label>
        <input
          id="signup-password"
          name="password"
          type="password"
          required
          minLength={MIN_PASSWORD}
          maxLength={128}
          autoComplete="new-password"
          aria-describedby="password-hint"
          className={input}
        />
        <span id="password-hint" className="mt-1 block text-xs text-slate-500">
          At least {MIN_PASSWORD} characters.
        </span>
      </div>
      {error && (
        <p role="alert" data-testid="form-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="w-full rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {busy ? "Creating account…" : "Create account"}
      </button>
    </form>
  );
}

/** better-auth answers `{ code, message }`; Berth's own refusals (closed sign-up, limits) come the same way. */
async function signUpError(res: Response): Promise<string> {
  if (res.status === 429) return "Too many sign-ups from your address; wait a few minutes and try again.";
  let message = "";
  try {
    const body = (await res.json()) as { message?: unknown };
    if (typeof body.message === "string") message = body.message;
  } catch {
    // not JSON: fall through to the generic message
  }
  if (res.status === 403 && /closed/i.test(message)) return "Sign-up is closed on this instance; ask an administrator for an account.";
  if (!message) return `Sign-up failed (HTTP ${res.status}).`;
  return message.charAt(0).toUpperCase() + message.slice(1);
}
