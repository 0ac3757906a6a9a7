// Headers on every response of web (web/server.ts sets them before Next or git answers).
// Scripts: Next.js's App Router writes its page data as inline <script> tags, and nonces would
// need every page rendered per request through middleware; 'unsafe-inline' is the price, while
// scripts from any other origin, plugins, framing, <base> and form targets elsewhere stay refused.
// connect-src 'self' covers socket.io's WebSocket to the same host (CSP 3: 'self' matches ws/wss).
export function securityHeaders(opts: { dev: boolean }): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
  return {
    "content-security-policy": csp,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    // Full URLs within Berth (the Referer fallback of the origin check), only the origin elsewhere.
    "referrer-policy": "strict-origin-when-cross-origin",
  };
}
