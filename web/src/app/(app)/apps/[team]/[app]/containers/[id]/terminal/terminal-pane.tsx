"use client";
// xterm.js wired to one terminal session over the page's socket: keystrokes and size changes go
// up, output comes down. The session belongs to this socket: when it drops, the session is over.
import "@xterm/xterm/css/xterm.css";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { useLayoutEffect, useRef, useState } from "react";
import { secondaryButton } from "@/components/ui";
import { useSocket } from "@/lib/use-socket";

type Status = { kind: "connecting" } | { kind: "open" } | { kind: "ended"; text: string } | { kind: "failed"; text: string };

const ended = (exitCode: number | null, reason: string | null) =>
  [exitCode === null ? "session ended" : `session ended (exit code ${exitCode})`, reason].filter(Boolean).join(": ");

export default function TerminalPane({ team, containerId, onRestart }: { team: string; containerId: string; onRestart: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  const xterm = useRef<{ term: Terminal; fit: FitAddon } | null>(null);
  const [status, setStatus] = useState<Status>({ kind: "connecting" });

  // A layout effect runs before the socket's effect: the terminal exists when the socket binds.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 13,
      scrollback: 5_000,
      theme: { background: "#0f172a", foreground: "#e2e8f0", cursor: "#a5b4fc" },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    fit.fit();
    xterm.current = { term, fit };
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(el);
    return () => {
      observer.disconnect();
      term.dispose();
      xterm.current = null;
    };
  }, []);

  useSocket(null, (socket) => {
    const x = xterm.current;
    if (!x) return;
    let sessionId: string | null = null;
    let over = false;
    const finish = (s: Status) => {
      over = true;
      setStatus(s);
      // Nothing typed now goes anywhere: say so by freezing the cursor.
      x.term.options.disableStdin = true;
      x.term.options.cursorBlink = false;
    };
    socket.on("connect", () => {
      // A reconnect does not bring the session back: the server closed it with the old connection.
      if (sessionId || over) return;
      socket.emit("terminal.open", { team, containerId, cols: x.term.cols, rows: x.term.rows }, (ack) => {
        if (!ack.ok) {
          finish({ kind: "failed", text: ack.message });
          return;
        }
        sessionId = ack.sessionId;
        setStatus({ kind: "open" });
        x.term.focus();
      });
    });
    socket.on("connect_error", () => {
      if (!sessionId && !over) finish({ kind: "failed", text: "could not connect to Berth" });
    });
    socket.on("disconnect", () => {
      if (sessionId && !over) {
        finish({ kind: "ended", text: "connection lost: session ended" });
        x.term.write("\r\n\x1b[33m[connection lost]\x1b[0m\r\n");
      }
    });
    socket.on("terminal.output", (p) => {
      if (p.sessionId === sessionId) x.term.write(p.data);
    });
    socket.on("terminal.exit", (p) => {
      if (p.sessionId !== sessionId) return;
      const text = ended(p.exitCode, p.reason);
      finish({ kind: "ended", text });
      x.term.write(`\r\n\x1b[33m[${text}]\x1b[0m\r\n`);
    });
    x.term.onData((data) => {
      if (sessionId && !over) socket.emit("terminal.input", sessionId, data);
    });
    x.term.onResize(({ cols, rows }) => {
      if (sessionId && !over) socket.emit("terminal.resize", sessionId, cols, rows);
    });
  });

  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between gap-3 text-sm">
        <p data-testid="terminal-status" data-state={status.kind} className={status.kind === "failed" ? "text-red-700" : "text-slate-600"}>
          {status.kind === "connecting" && "Connecting…"}
          {status.kind === "open" && "Connected"}
          {(status.kind === "ended" || status.kind === "failed") && status.text}
        </p>
        {(status.kind === "ended" || status.kind === "failed") && (
          <button type="button" className={secondaryButton} onClick={onRestart}>
            New session
          </button>
        )}
      </div>
      <div ref={box} data-testid="terminal" className="h-[28rem] overflow-hidden rounded-xl bg-slate-900 p-2" />
    </div>
  );
}
