import { useEffect, useState } from "react";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Row,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from "antd";
import { CheckCircleTwoTone, PlusOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import dayjs from "dayjs";
import { api, IpcError } from "../ipc/api";
import type { Language, OwnRules, Staff, StaffRole, UiLang } from "../ipc/types";
import type { AuditEntry, QuarantineEntry } from "../bindings";
import { LANGS } from "../i18n";
import { qk, useAuditLog, usePermission, useSettings, useStaff, useStation, useSync } from "../lib/queries";
import { fmtDateTime } from "../lib/time";
import { codeOptions, errorText, issueMessage, useLabels } from "../lib/labels";
import { useOpId } from "../lib/useOpId";
import PageTitle from "../components/PageTitle";
import { SyncDetails } from "../components/SyncBadge";
import { PathInput } from "../components/PathInput";
import { setLanguage } from "../components/LanguageSwitch";
import { phoneRule } from "./Intake";
import { messageText } from "../lib/messages";
import Backups, { sizeText } from "./Backups";
import Retention from "./Retention";

/** The idle lock: a head's setting (the configure permission, checked by the store), applied by
 * the sign-in gate's timer and by Rust's backstop. */
function IdleLockCard() {
  const { t } = useLabels();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const mayConfigure = usePermission("configure");
  const idle = useQuery({ queryKey: ["idle-lock"], queryFn: api.idleLockGet });
  // What the head typed (undefined: nothing yet, the setting is shown).
  const [typed, setMins] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const d = idle.data;
  const mins = typed !== undefined ? typed : d ? Math.round(d.secs / 60) : null;
  const min = d ? Math.ceil(d.min_secs / 60) : 1;
  const max = d ? Math.floor(d.max_secs / 60) : 120;
  const save = async () => {
    if (mins === null) return;
    setBusy(true);
    setError(null);
    try {
      const v = await api.idleLockSet(mins * 60);
      qc.setQueryData(["idle-lock"], v);
      setMins(undefined);
      // The gate's timer takes the new time from the session.
      await qc.invalidateQueries({ queryKey: qk.session });
      void message.success(t("idle.saved"));
    } catch (e) {
      setError(e instanceof IpcError && e.issues[0] ? issueMessage(e.issues[0]) : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t("idle.title")} className="block-gap" data-testid="idle-lock">
      <Typography.Paragraph type="secondary">{t("idle.help")}</Typography.Paragraph>
      {mayConfigure ? (
        <Form layout="inline" name="idle-lock" onFinish={() => void save()}>
          <Form.Item label={t("idle.minutes")} validateStatus={error ? "error" : undefined} help={error ?? t("idle.range", { min, max })}>
            <InputNumber
              min={min}
              max={max}
              precision={0}
              value={mins}
              onChange={(x) => setMins(typeof x === "number" ? x : null)}
              addonAfter={t("idle.minutes_suffix")}
              style={{ width: 200 }}
              data-testid="idle-minutes"
            />
          </Form.Item>
          <Form.Item>
            <Button
              htmlType="submit"
              type="primary"
              loading={busy}
              disabled={mins === null || (d && mins * 60 === d.secs)}
              data-testid="idle-save"
            >
              {t("common.save")}
            </Button>
          </Form.Item>
        </Form>
      ) : (
        d && <Typography.Text>{t("idle.current", { min: Math.round(d.secs / 60) })}</Typography.Text>
      )}
      {d?.overridden != null && (
        <Alert type="info" showIcon style={{ marginTop: 12 }} message={t("idle.overridden", { secs: d.overridden })} />
      )}
    </Card>
  );
}

function AddStaff({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useLabels();
  const [form] = Form.useForm<{ name: string; roles: StaffRole[]; phone?: string; languages: Language[]; secret?: string }>();
  const qc = useQueryClient();
  const op = useOpId();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      form.resetFields();
      op.reset();
    }
  }, [open, form, op]);
  const save = async () => {
    let v;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const req = {
      name: v.name.trim(),
      roles: v.roles,
      phone: (v.phone ?? "").trim(),
      languages: v.languages,
      secret: v.secret ? v.secret : null,
    };
    setBusy(true);
    try {
      const s = await api.staffAdd({ ...req, op_id: op.get(req) });
      void message.success(t("settings.staff_added", { name: s.name }));
      await qc.invalidateQueries({ queryKey: qk.staff });
      await qc.invalidateQueries({ queryKey: qk.station });
      onClose();
    } catch (e) {
      if (e instanceof IpcError) form.setFields(e.issues.map((i) => ({ name: i.path as never, errors: [issueMessage(i)] })));
      else void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t("settings.staff_add")}
      onCancel={onClose}
      onOk={() => void save()}
      confirmLoading={busy}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ roles: ["mediator"], languages: ["zh"] }} name="staff">
        <Form.Item
          name="name"
          label={t("settings.staff_name")}
          rules={[{ required: true, whitespace: true, message: messageText("required") }]}
        >
          <Input autoFocus maxLength={40} />
        </Form.Item>
        <Form.Item
          name="roles"
          label={t("settings.staff_roles")}
          rules={[{ required: true, type: "array", min: 1, message: messageText("required") }]}
        >
          <Checkbox.Group options={codeOptions("staff_role")} />
        </Form.Item>
        <Form.Item name="phone" label={t("settings.staff_phone")} rules={[phoneRule(t)]}>
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item name="languages" label={t("settings.staff_languages")}>
          <Checkbox.Group options={codeOptions("language")} />
        </Form.Item>
        <Form.Item name="secret" label={t("auth.staff_secret")} extra={t("auth.staff_secret_help")}>
          <Input.Password maxLength={128} autoComplete="new-password" data-testid="staff-secret" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Enrollment() {
  const { t } = useLabels();
  const sync = useSync();
  const settings = useSettings();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const [code, setCode] = useState("");
  // What the clerk typed, else the hub of the settings.
  const [typedHub, setHub] = useState<string | null>(null);
  const hub = typedHub ?? settings.data?.hub_url ?? "";
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const enroll = async () => {
    setBusy(true);
    setResult(null);
    try {
      const st = await api.syncEnroll({ code: code.trim(), ...(hub.trim() ? { hub_url: hub.trim() } : {}) });
      qc.setQueryData(qk.sync, st);
      void qc.invalidateQueries({ queryKey: qk.settings });
      setResult({ ok: true, text: st.plain_error ? `${t("settings.enroll_ok")}. ${st.plain_error}` : t("settings.enroll_ok") });
      void message.success(t("settings.enroll_ok"));
      setCode("");
      setHub(null);
    } catch (e) {
      setResult({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  const s = sync.data;
  return (
    <Card title={t("settings.sync")} id="sync" className="block-gap">
      <Typography.Paragraph type="secondary">{t("settings.sync_help")}</Typography.Paragraph>
      <Row gutter={32}>
        <Col span={12}>
          <Space style={{ marginBottom: 12 }}>
            {s?.enrolled ? (
              <Tag icon={<CheckCircleTwoTone twoToneColor="#52c41a" />} color="success">
                {t("settings.enrolled")}
              </Tag>
            ) : (
              <Tag>{t("settings.not_enrolled")}</Tag>
            )}
          </Space>
          <SyncDetails s={s} inSettings />
          <SetAside />
        </Col>
        <Col span={12}>
          <Form layout="vertical" name="enroll">
            <Form.Item label={t("settings.enroll_code")}>
              <Input
                value={code}
                onChange={(e) => setCode(e.target.value)}
                placeholder={t("settings.enroll_code_ph")}
                data-testid="enroll-code"
              />
            </Form.Item>
            <Form.Item label={t("settings.hub_url")}>
              <Input value={hub} onChange={(e) => setHub(e.target.value)} placeholder={t("settings.hub_url_ph")} />
            </Form.Item>
            <Button type="primary" loading={busy} disabled={!code.trim()} onClick={() => void enroll()} data-testid="enroll-submit">
              {t("settings.enroll")}
            </Button>
          </Form>
          {result && (
            <Alert
              style={{ marginTop: 12 }}
              type={result.ok ? "success" : "error"}
              showIcon
              message={result.ok ? result.text : t("settings.enroll_failed")}
              description={result.ok ? undefined : result.text}
              data-testid="enroll-result"
            />
          )}
        </Col>
      </Row>
    </Card>
  );
}

/** USB bundles: sync for a station without a link (export, carry to the association, import
 * the return bundle). */
function Bundles() {
  const { t } = useLabels();
  const sync = useSync();
  const qc = useQueryClient();
  const [folder, setFolder] = useState("");
  const [code, setCode] = useState("");
  const [file, setFile] = useState("");
  const [busy, setBusy] = useState<"export" | "import" | null>(null);
  const [result, setResult] = useState<{ ok: boolean; title: string; text?: string } | null>(null);
  const enrolled = !!sync.data?.enrolled;
  const doExport = async () => {
    setBusy("export");
    setResult(null);
    try {
      const b = await api.bundleExport({ folder: folder.trim(), ...(!enrolled && code.trim() ? { code: code.trim() } : {}) });
      setResult({
        ok: true,
        title: t("settings.bundle_exported", { count: b.events }),
        text: [
          b.file,
          b.enrolling ? t("settings.bundle_with_enroll") : null,
          b.files > 0 || b.files_waiting > 0
            ? t("settings.bundle_files_out", { count: b.files, size: sizeText(b.file_bytes), waiting: b.files_waiting })
            : null,
        ]
          .filter(Boolean)
          .join("\n"),
      });
    } catch (e) {
      setResult({ ok: false, title: t("settings.bundle_failed"), text: errorText(e) });
    } finally {
      setBusy(null);
    }
  };
  const doImport = async () => {
    setBusy("import");
    setResult(null);
    try {
      const r = await api.bundleImport({ file: file.trim() });
      await qc.invalidateQueries();
      const lines = [
        r.enrolled ? t("settings.bundle_enrolled") : null,
        t("settings.bundle_acked", { seq: r.acked_seq }),
        t("settings.bundle_applied", { pulled: r.pulled, applied: r.applied }),
        r.receipts === 0 && r.receipts_known > 0 ? t("settings.bundle_known") : null,
        r.pages_skipped ? t("settings.bundle_pages_skipped") : null,
        ...r.refused.map((x) => `${t("settings.bundle_refused")} ${x}`),
        r.files_received + r.files_known + r.files_delivered + r.files_waiting > 0
          ? t("settings.bundle_files_in", {
              received: r.files_received,
              known: r.files_known,
              delivered: r.files_delivered,
              waiting: r.files_waiting,
            })
          : null,
        ...r.files_discarded.map((x) => `${t("settings.bundle_file_discarded")} ${x}`),
        ...r.files_refused.map((x) => `${t("settings.bundle_file_refused")} ${x}`),
      ].filter(Boolean);
      const ok = r.refused.length === 0 && r.files_discarded.length === 0 && r.files_refused.length === 0;
      setResult({ ok, title: t("settings.bundle_imported"), text: lines.join("\n") });
      setFile("");
    } catch (e) {
      setResult({ ok: false, title: t("settings.bundle_failed"), text: errorText(e) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card title={t("settings.bundle")} id="bundle" className="block-gap" data-testid="bundle-card">
      <Typography.Paragraph type="secondary">{t("settings.bundle_help")}</Typography.Paragraph>
      <Row gutter={32}>
        <Col span={12}>
          <Typography.Title level={5}>{t("settings.bundle_step1")}</Typography.Title>
          <Form layout="vertical" name="bundle-export">
            <Form.Item label={t("settings.bundle_folder")} extra={t("settings.bundle_folder_help")}>
              <PathInput
                value={folder}
                onChange={setFolder}
                title={t("common.pick_folder")}
                placeholder="/media/usb"
                data-testid="bundle-folder"
              />
            </Form.Item>
            {!enrolled && (
              <Form.Item label={t("settings.enroll_code")} extra={t("settings.bundle_code_help")}>
                <Input
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  placeholder={t("settings.enroll_code_ph")}
                  data-testid="bundle-code"
                />
              </Form.Item>
            )}
            <Button
              type="primary"
              loading={busy === "export"}
              disabled={!folder.trim() || busy !== null}
              onClick={() => void doExport()}
              data-testid="bundle-export"
            >
              {t("settings.bundle_export")}
            </Button>
          </Form>
        </Col>
        <Col span={12}>
          <Typography.Title level={5}>{t("settings.bundle_step2")}</Typography.Title>
          <Form layout="vertical" name="bundle-import">
            <Form.Item label={t("settings.bundle_file")} extra={t("settings.bundle_file_help")}>
              <PathInput
                value={file}
                onChange={setFile}
                title={t("common.pick_bundle")}
                extensions={["cdkb"]}
                placeholder="/media/usb/casedesk-return-….cdkb"
                data-testid="bundle-file"
              />
            </Form.Item>
            <Button
              loading={busy === "import"}
              disabled={!file.trim() || busy !== null}
              onClick={() => void doImport()}
              data-testid="bundle-import"
            >
              {t("settings.bundle_import")}
            </Button>
          </Form>
        </Col>
      </Row>
      {result && (
        <Alert
          style={{ marginTop: 16, whiteSpace: "pre-line" }}
          type={result.ok ? "success" : "error"}
          showIcon
          message={result.title}
          description={result.text}
          data-testid="bundle-result"
        />
      )}
    </Card>
  );
}

/** A demonstration station: what it is, and how to remove it to start real work. */
function DemoStation() {
  const { t } = useLabels();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const op = useOpId();
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      await api.resetDemoStation(op.get("reset"));
      await qc.invalidateQueries();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t("settings.demo_title")} className="block-gap" data-testid="demo-card">
      <Typography.Paragraph>{t("settings.demo_help")}</Typography.Paragraph>
      <Popconfirm title={t("settings.demo_remove_confirm")} onConfirm={() => void remove()} okButtonProps={{ danger: true }}>
        <Button danger loading={busy} data-testid="demo-remove">
          {t("settings.demo_remove")}
        </Button>
      </Popconfirm>
    </Card>
  );
}

/** The events from elsewhere this station set aside, with the reasons. */
function SetAside() {
  const { t } = useLabels();
  const sync = useSync();
  const [open, setOpen] = useState(false);
  const list = useQuery({ queryKey: ["sync", "quarantine"], queryFn: api.syncQuarantine, enabled: open });
  if (!sync.data?.quarantined_here) return null;
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} data-testid="set-aside-open">
        {t("settings.set_aside_show", { count: sync.data.quarantined_here })}
      </Button>
      <Modal open={open} onCancel={() => setOpen(false)} footer={null} width={820} title={t("settings.set_aside_title")}>
        <Typography.Paragraph type="secondary">{t("settings.set_aside_help")}</Typography.Paragraph>
        <Table<QuarantineEntry>
          rowKey="id"
          size="small"
          loading={list.isPending}
          dataSource={list.data ?? []}
          pagination={{ pageSize: 10 }}
          scroll={{ x: true }}
          columns={[
            {
              title: t("settings.set_aside_received"),
              dataIndex: "received_ms",
              width: 150,
              render: (v: number) => dayjs(v).format("YYYY-MM-DD HH:mm"),
            },
            { title: t("settings.set_aside_unit"), dataIndex: "unit", width: 90 },
            { title: t("settings.set_aside_kind"), dataIndex: "kind", width: 190 },
            { title: t("settings.set_aside_reason"), dataIndex: "reason" },
          ]}
        />
      </Modal>
    </>
  );
}

function Rules() {
  const { t } = useLabels();
  const settings = useSettings();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<OwnRules>();
  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data.own_rules);
  }, [settings.data, form]);
  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !settings.data) return;
    try {
      const s = await api.settingsSet({ ...settings.data, own_rules: v });
      qc.setQueryData(qk.settings, s);
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "reference" && q.queryKey[0] !== "settings" });
      void message.success(t("settings.rules_saved"));
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  return (
    <Card title={t("settings.rules")} className="block-gap">
      <Typography.Paragraph type="secondary">{t("settings.rules_help")}</Typography.Paragraph>
      <Form form={form} layout="inline" name="rules" className="rules-form">
        <Form.Item
          name="accept_working_days"
          label={t("settings.accept_days")}
          rules={[{ required: true, message: messageText("required") }]}
        >
          <InputNumber min={1} max={60} addonAfter={t("settings.accept_days_suffix")} style={{ width: 190 }} />
        </Form.Item>
        <Form.Item
          name="mediation_days"
          label={t("settings.mediation_days")}
          rules={[{ required: true, message: messageText("required") }]}
        >
          <InputNumber min={1} max={365} addonAfter={t("settings.mediation_days_suffix")} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="mediation_in_working_days" valuePropName="checked" label={t("settings.mediation_working")}>
          <Switch />
        </Form.Item>
        <Form.Item>
          <Button type="primary" onClick={() => void save()}>
            {t("common.save")}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}

/** Reveals and exports, for heads and the secretariat (the audit permission). */
function AuditLog() {
  const { t } = useLabels();
  const log = useAuditLog();
  const fieldText = (f: string) => {
    const id = /^complainants\[(\d+)\]\.id_number$/.exec(f);
    if (id) return t("auth.field_id", { n: Number(id[1]) + 1 });
    const ph = /^complainants\[(\d+)\]\.phones\[(\d+)\]$/.exec(f);
    if (ph) return t("auth.field_phone", { n: Number(ph[1]) + 1, m: Number(ph[2]) + 1 });
    return f;
  };
  return (
    <Card title={t("auth.audit")} className="block-gap" data-testid="audit-log">
      <Typography.Paragraph type="secondary">{t("auth.audit_help")}</Typography.Paragraph>
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={log.isPending}
        dataSource={log.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("auth.audit_empty") }}
        columns={[
          { title: t("auth.audit_time"), dataIndex: "at", width: 160, render: (v: string) => fmtDateTime(v) },
          { title: t("auth.audit_who"), dataIndex: "actor_name", width: 120, render: (v: string | null) => v ?? t("auth.actor_unknown") },
          {
            title: t("auth.audit_action"),
            dataIndex: "action",
            width: 130,
            render: (v: string) => (v === "reveal" ? t("auth.action_reveal") : t("auth.action_export")),
          },
          { title: t("auth.audit_case"), dataIndex: "case_no", width: 210, render: (v: string) => v || "—" },
          {
            title: t("auth.audit_field"),
            dataIndex: "detail",
            render: (_: string, e: AuditEntry) => (e.action === "reveal" ? fieldText(e.detail) : `${e.detail} × ${e.count}`),
          },
        ]}
      />
    </Card>
  );
}

export default function SettingsPage() {
  const { t, code, lang } = useLabels();
  const station = useStation();
  const staff = useStaff();
  const settings = useSettings();
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const mayManage = usePermission("manage_staff");
  const mayAudit = usePermission("audit");
  const mayAnonymize = usePermission("anonymize");
  const st = station.data;

  useEffect(() => {
    if (window.location.hash.endsWith("#sync")) document.getElementById("sync")?.scrollIntoView();
  }, []);

  return (
    <div className="page settings" data-testid="settings">
      <PageTitle title={t("settings.title")} />
      <Row gutter={16}>
        <Col span={14}>
          <Card title={t("settings.station")}>
            {st && (
              <Descriptions column={1} size="small" labelStyle={{ width: 120 }}>
                <Descriptions.Item label={t("settings.unit_name")}>{st.unit_name}</Descriptions.Item>
                <Descriptions.Item label={t("settings.unit")}>{st.unit}</Descriptions.Item>
                <Descriptions.Item label={t("settings.unit_kind")}>{code("unit_kind", st.unit_kind)}</Descriptions.Item>
                <Descriptions.Item label={t("settings.device")}>{st.device_code}</Descriptions.Item>
              </Descriptions>
            )}
          </Card>
        </Col>
        <Col span={10}>
          <Card title={t("settings.language")}>
            <Typography.Paragraph type="secondary">{t("settings.language_help")}</Typography.Paragraph>
            <Radio.Group
              value={lang}
              onChange={(e) => void setLanguage(e.target.value as UiLang, settings.data, (s) => qc.setQueryData(qk.settings, s))}
              optionType="button"
              buttonStyle="solid"
              options={LANGS.map((l) => ({ value: l, label: t(`lang.${l}`) }))}
              data-testid="settings-lang"
            />
          </Card>
        </Col>
      </Row>
      <Card
        title={t("settings.staff")}
        className="block-gap"
        extra={
          mayManage && (
            <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="staff-add">
              {t("settings.staff_add")}
            </Button>
          )
        }
      >
        <Table<Staff>
          rowKey="id"
          size="middle"
          pagination={false}
          loading={staff.isPending}
          dataSource={staff.data ?? []}
          locale={{ emptyText: t("settings.staff_empty") }}
          columns={[
            { title: t("settings.staff_name"), dataIndex: "name", width: 140 },
            {
              title: t("settings.staff_roles"),
              dataIndex: "roles",
              render: (v: StaffRole[]) => (
                <Space size={4} wrap>
                  {v.map((r) => (
                    <Tag key={r}>{code("staff_role", r)}</Tag>
                  ))}
                </Space>
              ),
            },
            { title: t("settings.staff_phone"), dataIndex: "phone", width: 150, render: (v: string) => v || "—" },
            {
              title: t("settings.staff_languages"),
              dataIndex: "languages",
              width: 200,
              render: (v: Language[]) => v.map((l) => code("language", l)).join(t("app.list_sep")),
            },
            {
              title: t("settings.staff_active"),
              dataIndex: "active",
              width: 90,
              render: (v: boolean) => (v ? t("common.yes") : t("common.no")),
            },
          ]}
        />
      </Card>
      <IdleLockCard />
      {mayAudit && <AuditLog />}
      {mayAnonymize && <Retention />}
      {st?.demo ? <DemoStation /> : <Enrollment />}
      {!st?.demo && <Bundles />}
      <Backups />
      <Rules />
      <AddStaff open={adding} onClose={() => setAdding(false)} />
    </div>
  );
}
