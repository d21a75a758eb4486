import { api } from "./ipc/api";
import { createRoot } from "react-dom/client";
import "./i18n";
import "./styles.css";
import App from "./App";
import { BROWSER_MODE_KEY, installMockBackend } from "./ipc/mock";

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
    __CASEDESK_BROWSER_MODE__?: boolean;
  }
}

// Browser mode: without Tauri (vite dev, vite preview, Playwright) the app brings its own
// in-memory backend. ?demo=1 starts with the demo station; ?bulk=100000 adds synthetic cases;
// ?fresh=1 forgets what this browser kept; ?nokeyring=1 is a computer without an OS secret store
// (the wizard requires a passphrase); ?nopasswords=1 a demo station set up before staff accounts
// (the first-head screen); ?plain=1 a station file that stayed unencrypted (备份 offers to encrypt).
if (!window.__TAURI_INTERNALS__) {
  const params = new URLSearchParams(window.location.search);
  if (params.has("fresh")) localStorage.removeItem(BROWSER_MODE_KEY);
  const bulk = Number(params.get("bulk") ?? 0);
  installMockBackend({
    seed: params.has("demo") ? "demo" : "none",
    bulk: Number.isFinite(bulk) ? bulk : 0,
    persistKey: bulk > 0 ? undefined : BROWSER_MODE_KEY,
    latency: 40,
    keyring: !params.has("nokeyring"),
    noPasswords: params.has("nopasswords"),
    plain: params.has("plain"),
  });
  window.__CASEDESK_BROWSER_MODE__ = true;
}

createRoot(document.getElementById("root")!).render(<App />);

// The desktop window starts hidden (no white flash); ask Rust to show it once React has
// rendered. Not through requestAnimationFrame: a hidden WebKitGTK window gets no frames.
if (window.__TAURI_INTERNALS__) {
  setTimeout(() => {
    api.appReady().catch(() => undefined);
  }, 0);
}
