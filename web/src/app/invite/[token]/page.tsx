import { requireUserPage } from "@/server/auth/session";
import { AcceptInvitation } from "./accept-invitation";

export const dynamic = "force-dynamic";

// Outside the dashboard's shell: a person arriving from a link sees only the invitation.
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await requireUserPage(`/invite/${token}`);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md">
        <div className="mb-8 flex items-center gap-2">
          <span className="inline-block h-8 w-8 rounded-lg bg-indigo-600" aria-hidden />
          <span className="text-2xl font-semibold tracking-tight">Berth</span>
        </div>
        <AcceptInvitation token={token} email={user.email} />
      </div>
    </main>
  );
}
