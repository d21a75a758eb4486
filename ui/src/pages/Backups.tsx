// The 备份 card of Settings: the backups of this computer and of the extra folder (a USB
// stick), 立即备份, the extra folder, checking a backup, and restoring one after a confirmation
// that says what happens (the app reopens the restored copy under a new device identity).
import { useEffect, useState } from "react";
import { Alert, App as AntApp, Button, Card, Descriptions, Form, Input, Modal, Space, Table, Tag, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import dayjs from "dayjs";
import { api } from "../ipc/api";
import type { BackupOverview, BackupRow } from "../bindings";
import { usePermission } from "../lib/queries";
import { errorText, issueMessage, useLabels } from "../lib/labels";
import type { IpcIssue } from "../bindings";
import { useOpId } from "../lib/useOpId";
import { passphraseAgainRules, passphraseRules } from "./SetupWizard";
import { PathInput } from "../components/PathInput";

export const backupKey = ["backups"] as const;

export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

type Check = { ok: true; text: string } | { ok: false; text: string };

/**
 * A station file that stayed plain (no keyring on this computer): the head sets a station
 * passphrase here and the database is encrypted (after a confirmation that says what changes).
 */
function EncryptPlain({ onDone }: { onDone: (o: BackupOverview) => void }) {
  const { t } = useLabels();
  const { message, modal } = AntApp.useApp();
  const [form] = Form.useForm<{ passphrase: string; passphrase2: string }>();
  const keys = useQuery({ queryKey: ["key-options"], queryFn: api.keyOptions });
  const minChars = keys.data?.min_passphrase_chars ?? 8;
  const [busy, setBusy] = useState(false);
  const encrypt = async ({ passphrase }: { passphrase: string }) => {
    const ok = await modal.confirm({
      title: t("backup.encrypt_confirm_title"),
      content: (
        <ul style={{ paddingInlineStart: 20, marginBottom: 0 }}>
          <li>{t("backup.encrypt_confirm_lost")}</li>
          <li>{t("backup.encrypt_confirm_start")}</li>
          <li>{t("backup.encrypt_confirm_backups")}</li>
        </ul>
      ),
      okText: t("backup.encrypt"),
      cancelText: t("common.cancel"),
    });
    if (!ok) return;
    setBusy(true);
    try {
      const r = await api.encryptStation(passphrase);
      form.resetFields();
      onDone(r.overview);
      void message.success(t("backup.encrypted", { count: r.removed_plain_backups }), 8);
    } catch (e) {
      const issue = (e as { issues?: IpcIssue[] }).issues?.[0];
      if (issue) form.setFields([{ name: "passphrase", errors: [issueMessage(issue)] }]);
      else void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      message={t("backup.plain_title")}
      data-testid="backup-plain"
      description={
        <>
          <Typography.Paragraph style={{ marginBottom: 12 }}>{t("backup.plain_text")}</Typography.Paragraph>
          <Form form={form} layout="vertical" onFinish={(v) => void encrypt(v)} requiredMark={false}>
            <Space wrap align="start" size={16}>
              <Form.Item
                name="passphrase"
                label={t("setup.passphrase")}
                extra={t("setup.passphrase_help", { min: minChars })}
                style={{ width: 320, marginBottom: 0 }}
                rules={passphraseRules(minChars)}
              >
                <Input.Password maxLength={256} autoComplete="new-password" data-testid="encrypt-passphrase" />
              </Form.Item>
              <Form.Item
                name="passphrase2"
                label={t("setup.passphrase2")}
                dependencies={["passphrase"]}
                style={{ width: 260, marginBottom: 0 }}
                rules={passphraseAgainRules("passphrase")}
              >
                <Input.Password maxLength={256} autoComplete="new-password" data-testid="encrypt-passphrase2" />
              </Form.Item>
              <Form.Item label=" " style={{ marginBottom: 0 }}>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="encrypt-submit">
                  {t("backup.encrypt")}
                </Button>
              </Form.Item>
            </Space>
          </Form>
        </>
      }
    />
  );
}

export default function Backups() {
  const { t } = useLabels();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const op = useOpId();
  const mayConfigure = usePermission("configure");
  const list = useQuery({ queryKey: backupKey, queryFn: api.backupList });
  const [folder, setFolder] = useState("");
  const [busy, setBusy] = useState<"now" | "folder" | "restore" | null>(null);
  const [made, setMade] = useState<{ ok: boolean; title: string; text?: string } | null>(null);
  const [checks, setChecks] = useState<Record<string, Check | "busy">>({});
  const [restoring, setRestoring] = useState<BackupRow | null>(null);
  // Backups made with another station passphrase (`backup.other_passphrase`), and the one typed.
  const [needPass, setNeedPass] = useState<Record<string, boolean>>({});
  const [pass, setPass] = useState<Record<string, string>>({});
  const [passMissing, setPassMissing] = useState(false);
  const passOf = (b: BackupRow) => (needPass[b.path] && pass[b.path] ? pass[b.path] : null);
  const otherPassphrase = (b: BackupRow, e: unknown) => {
    if ((e as { code?: string }).code !== "backup.other_passphrase") return false;
    setNeedPass((n) => ({ ...n, [b.path]: true }));
    return true;
  };
  const data = list.data;
  useEffect(() => {
    setFolder(data?.extra_folder ?? "");
  }, [data?.extra_folder]);

  const put = (o: BackupOverview) => qc.setQueryData(backupKey, o);
  const backUp = async () => {
    setBusy("now");
    setMade(null);
    try {
      const r = await api.backupNow();
      put(r.overview);
      setMade({
        ok: r.failed.length === 0,
        title: t("backup.made", { count: r.written.length }),
        text: r.failed.map((f) => t("backup.failed_to", { folder: f.folder, message: f.message })).join("\n") || undefined,
      });
    } catch (e) {
      setMade({ ok: false, title: errorText(e) });
    } finally {
      setBusy(null);
    }
  };
  const saveFolder = async (f: string | null) => {
    setBusy("folder");
    try {
      put(await api.backupSetFolder(f));
      void message.success(t("backup.extra_saved"));
    } catch (e) {
      // A refused folder says why (the field's problem), not only that the input had one.
      const issue = (e as { issues?: IpcIssue[] }).issues?.[0];
      void message.error(issue ? issueMessage(issue) : errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const check = async (b: BackupRow) => {
    setChecks((c) => ({ ...c, [b.path]: "busy" }));
    try {
      const r = await api.backupCheck(b.path, passOf(b));
      setChecks((c) => ({ ...c, [b.path]: { ok: true, text: t("backup.check_ok", { cases: r.cases, events: r.events }) } }));
    } catch (e) {
      if (otherPassphrase(b, e)) {
        setChecks((c) => {
          const rest = { ...c };
          delete rest[b.path];
          return rest;
        });
        return;
      }
      setChecks((c) => ({ ...c, [b.path]: { ok: false, text: errorText(e) } }));
    }
  };
  const restore = async (b: BackupRow) => {
    if (needPass[b.path] && !pass[b.path]) {
      setPassMissing(true);
      return;
    }
    setBusy("restore");
    try {
      const r = await api.backupRestore(op.get(`restore:${b.path}`), b.path, passOf(b));
      setRestoring(null);
      void message.success(t(r.needs_enrollment ? "backup.restored_enroll" : "backup.restored", { unit: r.unit_name, cases: r.cases }), 8);
      // The restored copy: every view reads again, and the sign-in screen shows.
      await qc.invalidateQueries();
    } catch (e) {
      if (otherPassphrase(b, e)) setPassMissing(true);
      else void message.error(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const time = (ms: number) => dayjs(ms).format("YYYY-MM-DD HH:mm");

  return (
    <Card
      title={t("backup.title")}
      id="backup"
      className="block-gap"
      data-testid="backup-card"
      extra={
        <Button type="primary" loading={busy === "now"} disabled={busy !== null} onClick={() => void backUp()} data-testid="backup-now">
          {t("backup.now")}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">
        {t(data && !data.encrypted ? "backup.help_plain" : "backup.help", { keep: data?.keep ?? 10 })}
      </Typography.Paragraph>
      {data && !data.encrypted && mayConfigure && <EncryptPlain onDone={put} />}
      {made && (
        <Alert
          style={{ marginBottom: 16, whiteSpace: "pre-line" }}
          type={made.ok ? "success" : "warning"}
          showIcon
          message={made.title}
          description={made.text}
          data-testid="backup-result"
        />
      )}
      <Descriptions column={1} size="small" labelStyle={{ width: 140 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t("backup.folder")}>
          <Typography.Text copyable={!!data?.folder} data-testid="backup-folder">
            {data?.folder ?? "—"}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("backup.extra")}>
          {mayConfigure ? (
            <PathInput
              style={{ maxWidth: 640 }}
              value={folder}
              onChange={setFolder}
              title={t("common.pick_folder")}
              placeholder={t("backup.extra_ph")}
              aria-label={t("backup.extra")}
              data-testid="backup-extra"
            >
              <Button
                loading={busy === "folder"}
                disabled={busy !== null || folder.trim() === (data?.extra_folder ?? "")}
                onClick={() => void saveFolder(folder.trim() || null)}
                data-testid="backup-extra-save"
              >
                {t("backup.extra_save")}
              </Button>
              {data?.extra_folder && (
                <Button disabled={busy !== null} onClick={() => void saveFolder(null)} data-testid="backup-extra-clear">
                  {t("backup.extra_clear")}
                </Button>
              )}
            </PathInput>
          ) : (
            <Typography.Text>{data?.extra_folder ?? t("backup.extra_none")}</Typography.Text>
          )}
        </Descriptions.Item>
      </Descriptions>
      {mayConfigure && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          {t("backup.extra_help")}
        </Typography.Paragraph>
      )}
      {data?.extra_missing && <Alert type="warning" showIcon message={t("backup.extra_missing")} style={{ marginBottom: 12 }} />}
      {list.isError && <Alert type="error" showIcon message={errorText(list.error)} style={{ marginBottom: 12 }} />}
      <Table<BackupRow>
        rowKey="path"
        size="small"
        loading={list.isPending}
        dataSource={data?.backups ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: t("backup.none") }}
        scroll={{ x: true }}
        data-testid="backup-list"
        columns={[
          { title: t("backup.col_time"), dataIndex: "created_ms", width: 150, render: (v: number) => time(v) },
          {
            title: t("backup.col_reason"),
            dataIndex: "reason",
            width: 110,
            render: (v: string) => t(`backup.reason_${v}`, { defaultValue: v }),
          },
          {
            title: t("backup.col_where"),
            dataIndex: "folder",
            render: (v: string) => (
              <Space size={4}>
                <Tag>{v === data?.folder ? t("backup.where_local") : t("backup.where_extra")}</Tag>
                <Typography.Text type="secondary" ellipsis={{ tooltip: v }} style={{ maxWidth: 260 }}>
                  {v}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t("backup.col_size"), dataIndex: "bytes", width: 90, render: (v: number) => sizeText(v) },
          {
            title: t("backup.col_check"),
            key: "check",
            width: 230,
            render: (_: unknown, b: BackupRow) => {
              const c = checks[b.path];
              if (c === "busy") return <Button size="small" loading />;
              if (needPass[b.path] && !c)
                return (
                  <Space.Compact size="small">
                    <Input.Password
                      size="small"
                      style={{ width: 130 }}
                      value={pass[b.path] ?? ""}
                      onChange={(e) => setPass((p) => ({ ...p, [b.path]: e.target.value }))}
                      onPressEnter={() => pass[b.path] && void check(b)}
                      placeholder={t("backup.passphrase")}
                      aria-label={t("backup.passphrase")}
                      data-testid="backup-check-passphrase"
                    />
                    <Button size="small" disabled={!pass[b.path]} onClick={() => void check(b)} data-testid="backup-check-with">
                      {t("backup.check_with_passphrase")}
                    </Button>
                  </Space.Compact>
                );
              if (c)
                return (
                  <Space size={4} wrap>
                    <Typography.Text type={c.ok ? "success" : "danger"} data-testid="backup-check-result">
                      {c.ok ? c.text : t("backup.check_bad", { why: c.text })}
                    </Typography.Text>
                    {!c.ok && needPass[b.path] && (
                      <Button
                        type="link"
                        size="small"
                        onClick={() =>
                          setChecks((all) => {
                            const rest = { ...all };
                            delete rest[b.path];
                            return rest;
                          })
                        }
                        data-testid="backup-check-again"
                      >
                        {t("backup.passphrase_again")}
                      </Button>
                    )}
                  </Space>
                );
              return (
                <Space size={8}>
                  <Typography.Text type="secondary">{t("backup.written_checked")}</Typography.Text>
                  <Button size="small" onClick={() => void check(b)} data-testid="backup-check">
                    {t("backup.check")}
                  </Button>
                </Space>
              );
            },
          },
          ...(mayConfigure
            ? [
                {
                  title: t("backup.col_action"),
                  key: "restore",
                  width: 90,
                  render: (_: unknown, b: BackupRow) => (
                    <Button size="small" danger disabled={busy !== null} onClick={() => setRestoring(b)} data-testid="backup-restore">
                      {t("backup.restore")}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={!!restoring}
        title={t("backup.restore_title")}
        okText={t("backup.restore_ok")}
        okButtonProps={{ danger: true, loading: busy === "restore" }}
        onOk={() => restoring && void restore(restoring)}
        onCancel={() => {
          if (busy === "restore") return;
          setRestoring(null);
          setPassMissing(false);
        }}
        data-testid="backup-restore-confirm"
      >
        {restoring && (
          <>
            <Typography.Paragraph>{t("backup.restore_intro", { time: time(restoring.created_ms) })}</Typography.Paragraph>
            <ul style={{ paddingInlineStart: 20 }}>
              <li>{t("backup.restore_reopen")}</li>
              <li>{t("backup.restore_kept")}</li>
              <li>{t("backup.restore_identity")}</li>
              <li>{t("backup.restore_hub")}</li>
            </ul>
            {needPass[restoring.path] && (
              <Form layout="vertical" onFinish={() => void restore(restoring)}>
                <Form.Item
                  label={t("backup.passphrase")}
                  extra={t("backup.passphrase_help")}
                  validateStatus={passMissing && !pass[restoring.path] ? "error" : undefined}
                  help={passMissing && !pass[restoring.path] ? t("backup.passphrase_needed") : undefined}
                  style={{ marginBottom: 0 }}
                >
                  <Input.Password
                    autoFocus
                    value={pass[restoring.path] ?? ""}
                    onChange={(e) => setPass((p) => ({ ...p, [restoring.path]: e.target.value }))}
                    placeholder={t("backup.passphrase_ph")}
                    data-testid="backup-restore-passphrase"
                  />
                </Form.Item>
              </Form>
            )}
          </>
        )}
      </Modal>
    </Card>
  );
}
