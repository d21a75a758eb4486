import { useEffect, useMemo, useState, type ReactNode } from "react";
import { useUntabbableClearButtons } from "./lib/clearButtons";
import { App as AntApp, ConfigProvider, Result, Spin, Button } from "antd";
import zhCNLocale from "antd/locale/zh_CN";
import enUSLocale from "antd/locale/en_US";
import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { HashRouter, Navigate, Route, Routes } from "react-router";
import { useTranslation } from "react-i18next";
import { listen } from "@tauri-apps/api/event";
import i18n from "./i18n";
import type { SyncStatus } from "./ipc/types";
import { qk, useSession, useSettings, useStation } from "./lib/queries";
import { api } from "./ipc/api";
import SignIn from "./pages/SignIn";
import FirstHead from "./pages/FirstHead";
import Unlock, { dbLockKey } from "./pages/Unlock";
import { useQuery } from "@tanstack/react-query";
import { errorText } from "./lib/labels";
import AppLayout from "./components/AppLayout";
import ErrorBoundary from "./components/ErrorBoundary";
import SetupWizard from "./pages/SetupWizard";
import Dashboard from "./pages/Dashboard";
import Intake from "./pages/Intake";
import CaseDetailPage from "./pages/CaseDetail";
import Roving from "./pages/Roving";
import SettingsPage from "./pages/Settings";
import Statistics from "./pages/Statistics";

export const FONT_STACK =
  '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", -apple-system, "Segoe UI", sans-serif';

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 5_000, gcTime: 60_000 },
      mutations: { retry: 0 },
    },
  });
}

/** Refreshes views on `db-changed` and keeps the sync badge current on `sync-status`. */
function BackendEvents() {
  const qc = useQueryClient();
  useEffect(() => {
    const offs: Promise<() => void>[] = [
      listen("db-changed", () => void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "reference" })),
      listen<SyncStatus>("sync-status", (e) => {
        qc.setQueryData(qk.sync, e.payload);
        void qc.invalidateQueries({ queryKey: qk.dashboard });
      }),
    ];
    return () => {
      for (const p of offs) void p.then((off) => off()).catch(() => undefined);
    };
  }, [qc]);
  return null;
}

/** Applies the saved language once settings are known. */
function LanguageFromSettings() {
  const { data } = useSettings();
  useEffect(() => {
    if (data?.lang && data.lang !== i18n.language) void i18n.changeLanguage(data.lang);
  }, [data?.lang]);
  return null;
}

/** Shows the unlock screen while the station file waits for its passphrase. */
export function DbGate({ children }: { children: ReactNode }) {
  const lock = useQuery({ queryKey: dbLockKey, queryFn: api.dbLock, staleTime: Infinity });
  if (lock.data?.locked) return <Unlock waitSecs={lock.data.wait_secs} />;
  if (lock.isPending) return null;
  return <StationGate>{children}</StationGate>;
}

/** The whole-window spinner while the station, the session or the sign-in list loads. */
function Loading() {
  const { t } = useTranslation();
  return (
    <div className="center-screen">
      <Spin size="large" tip={t("app.loading")}>
        <div style={{ width: 200, height: 80 }} />
      </Spin>
    </div>
  );
}

function StationGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const station = useStation();
  if (station.isPending) return <Loading />;
  if (station.isError)
    return (
      <div className="center-screen">
        <Result
          status="warning"
          title={t("app.load_failed")}
          subTitle={errorText(station.error)}
          extra={
            <Button type="primary" onClick={() => void station.refetch()}>
              {t("app.retry")}
            </Button>
          }
        />
      </div>
    );
  if (station.data === null) return <SetupWizard />;
  return <SessionGate>{children}</SessionGate>;
}

/** What the user does counts as activity; background refreshes do not. */
const ACTIVITY_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart"] as const;

/** Shows the sign-in screen when nobody is signed in. Locks after `idle_lock_secs` without
 *  activity, and whenever Rust answers `auth.required` (it locked itself, or another window
 *  locked). */
function SessionGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const session = useSession();
  // Who may sign in here; no one with a password on this computer: the first head is set up.
  const logins = useQuery({ queryKey: qk.signInList, queryFn: api.signInList, enabled: session.data === null });
  const [notice, setNotice] = useState<string | null>(null);
  const idleSecs = session.data?.idle_lock_secs ?? 0;
  const signedIn = !!session.data;

  // Any answer "sign in first" shows the sign-in screen.
  useEffect(
    () =>
      qc.getQueryCache().subscribe((ev) => {
        const err = ev.query.state.error as { code?: string } | null;
        if (ev.type === "updated" && err?.code === "auth.required" && (ev.query.queryKey as readonly unknown[])[0] !== "session") {
          qc.setQueryData(qk.session, null);
        }
      }),
    [qc],
  );

  useEffect(() => {
    if (!signedIn || idleSecs <= 0) return;
    let timer = 0;
    const lock = () => {
      void api.lockSession().finally(() => {
        setNotice(t("auth.idle_locked"));
        qc.setQueryData(qk.session, null);
      });
    };
    const reset = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(lock, idleSecs * 1000);
    };
    reset();
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, reset, { passive: true });
    return () => {
      window.clearTimeout(timer);
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, reset);
    };
  }, [signedIn, idleSecs, qc, t]);

  if (session.isPending) return <Loading />;
  if (!session.data) {
    if (logins.isPending && !logins.isError) return <Loading />;
    if (logins.data && !logins.data.some((s) => s.has_credential)) return <FirstHead staff={logins.data} />;
    return <SignIn notice={notice} />;
  }
  return <>{children}</>;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<Dashboard />} />
        <Route path="intake" element={<Intake />} />
        {/* Rendered by AppLayout, which keeps it alive between visits. */}
        <Route path="cases" element={null} />
        <Route path="cases/:id" element={<CaseDetailPage />} />
        <Route path="roving" element={<Roving />} />
        <Route path="statistics" element={<Statistics />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}

export function Providers({ children, client }: { children: ReactNode; client?: QueryClient }) {
  const qc = useMemo(() => client ?? makeQueryClient(), [client]);
  const { i18n: inst } = useTranslation();
  const locale = inst.language === "en-US" ? enUSLocale : zhCNLocale;
  useUntabbableClearButtons();
  return (
    <QueryClientProvider client={qc}>
      <ConfigProvider
        locale={locale}
        button={{ autoInsertSpace: false }}
        theme={{
          token: {
            colorPrimary: "#1e5aa8",
            borderRadius: 6,
            fontFamily: FONT_STACK,
            fontSize: 14,
            motion: false,
          },
          components: { Layout: { headerBg: "#ffffff", siderBg: "#ffffff", bodyBg: "#f4f6f9" } },
        }}
      >
        {/* One message at a time: a new one replaces the last instead of stacking up. */}
        <AntApp message={{ maxCount: 1 }}>{children}</AntApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}

export default function App() {
  return (
    <Providers>
      <ErrorBoundary>
        <BackendEvents />
        <LanguageFromSettings />
        <HashRouter>
          <DbGate>
            <AppRoutes />
          </DbGate>
        </HashRouter>
      </ErrorBoundary>
    </Providers>
  );
}
