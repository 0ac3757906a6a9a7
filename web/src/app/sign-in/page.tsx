import Link from "next/link";
import { redirect } from "next/navigation";
import { safeNext } from "@/lib/safe-next";
import { currentUser } from "@/server/auth/session";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  // Only a path on this instance: never bounce a user to another site.
  const target = safeNext(next);
  if (await currentUser()) redirect(target);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex items-center gap-2">
          <span className="inline-block h-8 w-8 rounded-lg bg-indigo-600" aria-hidden />
          <span className="text-2xl font-semibold tracking-tight">Berth</span>
        </div>
        <h1 className="mb-6 text-lg font-medium text-slate-700">Sign in to your account</h1>
        <SignInForm next={target} />
        <p className="mt-4 text-center text-sm text-slate-500">
          New to Berth?{" "}
          <Link
            href={target === "/" ? "/sign-up" : `/sign-up?next=${encodeURIComponent(target)}`}
            className="font-medium text-indigo-600 hover:text-indigo-500"
          >
            Create an account
          </Link>
        </p>
      </div>
    </main>
  );
}
