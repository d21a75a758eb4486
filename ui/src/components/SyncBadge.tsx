import { Badge, Button, Descriptions, Popover, Space, Typography, App as AntApp } from "antd";
import { SyncOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api } from "../ipc/api";
import type { SyncStatus } from "../ipc/types";
import { qk, useSync } from "../lib/queries";
import { errorText } from "../lib/labels";
import { dayjs } from "../lib/time";

export function agoText(ms: number | null, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (!ms) return t("sync.never");
  const min = Math.floor((Date.now() - ms) / 60_000);
  if (min < 1) return t("sync.just_now");
  if (min < 60) return t("sync.ago_minutes", { count: min });
  if (min < 48 * 60) return t("sync.ago_hours", { count: Math.floor(min / 60) });
  return t("sync.ago_days", { count: Math.floor(min / 1440) });
}

/** Why a file did not sync, in words (`sync.file_reason.<code>`), or the code itself. */
export function fileProblemText(code: string, t: (k: string) => string, exists: (k: string) => boolean): string {
  const key = `sync.file_reason.${code}`;
  return exists(key) ? t(key) : code;
}

export function syncState(s: SyncStatus | undefined): { status: "success" | "warning" | "error" | "default"; key: string } {
  if (!s || !s.enrolled) return { status: "default", key: "sync.not_enrolled" };
  if (s.last_error_code) return { status: "error", key: "sync.error" };
  if (s.waiting > 0) return { status: "warning", key: "sync.waiting" };
  return { status: "success", key: "sync.synced" };
}

export function SyncDetails({ s, onDone, inSettings = false }: { s: SyncStatus | undefined; onDone?: () => void; inSettings?: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const now = useMutation({
    mutationFn: api.syncNow,
    onSuccess: (st) => {
      qc.setQueryData(qk.sync, st);
      void qc.invalidateQueries({ queryKey: qk.dashboard });
      if (!st.last_error_code) void message.success(t("sync.done"));
      onDone?.();
    },
    onError: (e) => void message.error(errorText(e)),
  });
  if (!s) return null;
  return (
    <div className="sync-details">
      <Descriptions column={1} size="small" colon={false} labelStyle={{ width: 150 }}>
        <Descriptions.Item label={t("sync.waiting_label")}>{t("sync.waiting_value", { count: s.waiting })}</Descriptions.Item>
        <Descriptions.Item label={t("sync.last_contact")}>
          {s.last_success_ms
            ? t("sync.last_contact_value", {
                time: dayjs(s.last_success_ms).format("YYYY-MM-DD HH:mm"),
                ago: agoText(s.last_success_ms, t),
              })
            : t("sync.never")}
        </Descriptions.Item>
        {s.hub && <Descriptions.Item label={t("sync.hub")}>{s.hub}</Descriptions.Item>}
        {s.plain_error && (
          <Descriptions.Item label={t("sync.error_label")}>
            <Typography.Text type="danger">{s.plain_error}</Typography.Text>
          </Descriptions.Item>
        )}
        {s.hub_quarantined > 0 && (
          <Descriptions.Item label={t("sync.error_label")}>
            <Typography.Text type="warning">{t("sync.quarantined", { count: s.hub_quarantined })}</Typography.Text>
          </Descriptions.Item>
        )}
        {s.quarantined_here > 0 && (
          <Descriptions.Item label={t("sync.set_aside_label")}>
            <Typography.Text type="warning" data-testid="sync-set-aside">
              {t("sync.set_aside", { count: s.quarantined_here })}
            </Typography.Text>
          </Descriptions.Item>
        )}
        {(s.files.to_upload > 0 || s.files.to_download > 0) && (
          <Descriptions.Item label={t("sync.files_label")}>
            <span data-testid="sync-files">{t("sync.files_value", { up: s.files.to_upload, down: s.files.to_download })}</span>
          </Descriptions.Item>
        )}
        {s.files.problems.length > 0 && (
          <Descriptions.Item label={t("sync.error_label")}>
            <Typography.Text type="warning" data-testid="sync-files-problem">
              {t("sync.files_problem", {
                count: s.files.problems.length,
                reason: fileProblemText(s.files.problems[0].code, t, (k) => i18n.exists(k)),
              })}
            </Typography.Text>
          </Descriptions.Item>
        )}
        {s.duplicate_numbers > 0 && (
          <Descriptions.Item label={t("sync.duplicate_numbers_label")}>
            <Typography.Text type="warning">{t("sync.duplicate_numbers", { count: s.duplicate_numbers })}</Typography.Text>
          </Descriptions.Item>
        )}
      </Descriptions>
      {!s.enrolled && !inSettings && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 8 }}>
          {t("sync.enroll_hint")}
        </Typography.Paragraph>
      )}
      {/* Not enrolled: there is no hub to sync with, only the way to enroll. */}
      {(s.enrolled || !inSettings) && (
        <Space style={{ marginTop: 8 }}>
          {s.enrolled ? (
            <Button type="primary" icon={<SyncOutlined spin={now.isPending} />} loading={now.isPending} onClick={() => now.mutate()}>
              {now.isPending ? t("sync.syncing") : t("sync.sync_now")}
            </Button>
          ) : (
            <Button
              type="primary"
              onClick={() => {
                onDone?.();
                void navigate("/settings#sync");
              }}
            >
              {t("sync.go_settings")}
            </Button>
          )}
        </Space>
      )}
    </div>
  );
}

export default function SyncBadge() {
  const { t } = useTranslation();
  const { data } = useSync();
  const st = syncState(data);
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={t("sync.title")}
      content={
        <div style={{ width: 380 }}>
          <SyncDetails s={data} />
        </div>
      }
    >
      <Button type="text" className="sync-badge" data-testid="sync-badge">
        <Badge status={st.status} text={t(st.key, { count: data?.waiting ?? 0 })} />
      </Button>
    </Popover>
  );
}
