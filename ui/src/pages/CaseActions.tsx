// One modal form per case action. Each submit sends case_action with an op_id made for this
// user action (reused when the same submit is retried).
import { useEffect, useMemo, useState } from "react";
import { Alert, App as AntApp, AutoComplete, DatePicker, Form, Input, Modal, Select } from "antd";
import type { Dayjs } from "dayjs";
import { IpcError, newOpId } from "../ipc/api";
import type { ActionKind, CaseDetail, CaseEvent } from "../ipc/types";
import { codeOptions, errorText, issueMessage, reasonLabel, unitLabel, useLabels } from "../lib/labels";
import { useCaseAction, useReference, useStaff } from "../lib/queries";
import { parseYuan, fenToInput } from "../lib/money";
import { dayjs, pickerToDate, pickerToIso, fmtDateTime } from "../lib/time";
import { useOpId } from "../lib/useOpId";
import { issuePathToNamePath } from "../lib/paths";
import { amountRule, submitKeys } from "./Intake";
import { messageText } from "../lib/messages";
import { UnitTarget } from "../components/UnitTarget";
import type { TransferKind } from "../bindings";

type Values = Record<string, unknown> & {
  at?: Dayjs;
  note?: string;
};

const FIELD_ALIAS: Record<string, string> = {
  amount_fen: "amount",
  recovered_fen: "recovered",
  doubled_fen: "doubled",
  held_at: "at",
  signed_at: "at",
};

const yuan = (v: unknown): number => {
  const s = typeof v === "string" ? v : "";
  if (!s.trim()) return 0;
  const r = parseYuan(s);
  return r.ok ? r.fen : 0;
};
const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
const opt = <K extends string>(k: K, v: unknown): Partial<Record<K, string>> => (str(v) ? ({ [k]: str(v) } as Record<K, string>) : {});

/** The event to send for the form's values. */
export function buildEvent(kind: ActionKind, v: Values, now: () => string, ids: { session: string; transfer: string }): CaseEvent {
  const at = pickerToIso(v.at) ?? now();
  switch (kind) {
    case "case.accepted":
      return { kind, payload: { at, ...opt("note", v.note) } };
    case "case.not_accepted":
      return { kind, payload: { at, reason: str(v.reason), ...opt("note", v.note) } };
    case "case.session_scheduled":
      return {
        kind,
        payload: {
          session: ids.session,
          at,
          mode: (v.mode as never) ?? "on_site",
          ...opt("place", v.place),
          ...opt("mediator", v.mediator),
          ...opt("note", v.note),
        },
      };
    case "case.session_recorded":
      return {
        kind,
        payload: {
          session: str(v.session) && v.session !== "new" ? str(v.session) : ids.session,
          held_at: at,
          mode: (v.mode as never) ?? "on_site",
          ...opt("place", v.place),
          mediator: str(v.mediator),
          ...opt("recorder", v.recorder),
          ...opt("interpreter", v.interpreter),
          language: (v.language as never) ?? "zh",
          attendees: Array.isArray(v.attendees) ? (v.attendees as string[]) : [],
          record: str(v.record),
          result: (v.result as never) ?? "continue",
        },
      };
    case "case.agreement_recorded":
      return {
        kind,
        payload: {
          signed_at: at,
          terms: str(v.terms),
          amount_fen: yuan(v.amount),
          ...(pickerToDate(v.due as Dayjs) ? { performance_due: pickerToDate(v.due as Dayjs) } : {}),
        },
      };
    case "case.performance_confirmed":
      return { kind, payload: { at, ...opt("note", v.note) } };
    case "case.mediation_terminated":
      return { kind, payload: { at, reason: str(v.reason), ...opt("note", v.note) } };
    case "case.transferred": {
      const k = (v.kind as "down" | "up" | "co_handle" | "to_department") ?? "co_handle";
      return {
        kind,
        payload: {
          transfer: ids.transfer,
          kind: k,
          ...(k === "to_department"
            ? opt("to_department", v.to_department)
            : { ...opt("to_unit", v.to_unit), ...(v.typed_unit === true ? opt("to_unit_name", v.to_unit_name) : {}) }),
          reason: (v.reason as never) ?? "other",
          ...(pickerToDate(v.due as Dayjs) ? { due: pickerToDate(v.due as Dayjs) } : {}),
          ...opt("note", v.note),
        },
      };
    }
    case "case.transfer_feedback":
      return { kind, payload: { transfer: str(v.transfer), at, text: str(v.text) } };
    case "case.closed":
      return {
        kind,
        payload: {
          at,
          outcome: (v.outcome as never) ?? "mediated",
          recovered_fen: yuan(v.recovered),
          doubled_fen: yuan(v.doubled),
          ...opt("note", v.note),
        },
      };
    case "case.followed_up":
      return {
        kind,
        payload: {
          at,
          method: (v.method as never) ?? "phone",
          satisfaction: (v.satisfaction as never) ?? "satisfied",
          ...opt("note", v.note),
        },
      };
    case "case.note_added":
      return { kind, payload: { text: str(v.text) } };
    case "case.voided":
      return { kind, payload: { reason: str(v.reason) } };
  }
}

export interface ActionModalProps {
  kind: ActionKind | null;
  detail: CaseDetail;
  onClose: () => void;
}

export default function ActionModal({ kind, detail, onClose }: ActionModalProps) {
  // Mounted for each action opened: its form, error, operation id and new session or transfer
  // ids start afresh.
  return kind ? <ActionForm key={kind} kind={kind} detail={detail} onClose={onClose} /> : null;
}

function ActionForm({ kind, detail, onClose }: { kind: ActionKind; detail: CaseDetail; onClose: () => void }) {
  const { t, en } = useLabels();
  const [form] = Form.useForm<Values>();
  const ref = useReference();
  const staff = useStaff();
  const act = useCaseAction();
  const { message, modal } = AntApp.useApp();
  const op = useOpId();
  const [busy, setBusy] = useState(false);
  const [ids] = useState(() => ({ session: newOpId(), transfer: newOpId() }));
  const c = detail.case;
  // An error is about the case as it was: a case refreshed meanwhile hides it.
  const [failure, setFailure] = useState<{ text: string; on: CaseDetail } | null>(null);
  const error = failure?.on === detail ? failure.text : null;
  const setError = (text: string | null) => setFailure(text === null ? null : { text, on: detail });

  // The case refreshed while the form is open: start again from its defaults.
  useEffect(() => {
    form.resetFields();
    op.reset();
    form.setFieldsValue(defaults(kind, detail));
  }, [kind, detail, form, op]);

  const staffNames = useMemo(() => (staff.data ?? []).filter((s) => s.active).map((s) => ({ value: s.name })), [staff.data]);
  const mediators = useMemo(
    () => (staff.data ?? []).filter((s) => s.active && s.roles.includes("mediator")).map((s) => ({ value: s.name })),
    [staff.data],
  );
  const txKind = Form.useWatch("kind", form) as string | undefined;

  const title = t(`action.${kind}.title`);

  const send = async () => {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const ev = buildEvent(
      kind,
      v,
      () =>
        dayjs()
          .toISOString()
          .replace(/\.\d{3}Z$/, "Z"),
      ids,
    );
    const opId = op.get(ev);
    const go = async () => {
      setBusy(true);
      setError(null);
      try {
        await act(opId, c.id, ev);
        void message.success(t("action.done", { action: t(`action.${kind}.button`) }));
        onClose();
      } catch (e) {
        if (e instanceof IpcError && e.issues.length) {
          form.setFields(
            e.issues.map((i) => ({ name: issuePathToNamePath(FIELD_ALIAS[i.path] ?? i.path) as never, errors: [issueMessage(i)] })),
          );
        }
        setError(`${errorText(e)} ${e instanceof IpcError && e.issues.length ? "" : t("action.retry_hint")}`.trim());
      } finally {
        setBusy(false);
      }
    };
    if (kind === "case.voided") {
      modal.confirm({ title: t("action.case.voided.confirm"), okButtonProps: { danger: true }, onOk: go });
    } else await go();
  };

  const reasons =
    kind === "case.not_accepted"
      ? (ref.data?.not_accept_reasons[c.rule_set] ?? [])
      : kind === "case.mediation_terminated"
        ? (ref.data?.termination_reasons[c.rule_set] ?? [])
        : [];
  const reasonOptions = reasons.map((r) => ({
    value: r.code,
    label: reasonLabel(ref.data, kind === "case.not_accepted" ? "not_accept_reasons" : "termination_reasons", c.rule_set, r.code, en),
  }));
  const openSessions = c.sessions.filter((s) => s.scheduled && !s.recorded);
  const pendingTransfers = c.transfers.filter((x) => x.feedback === null);
  const dateTime = (name: string, label: string) => (
    <Form.Item name={name} label={label} rules={[{ required: true, message: messageText("required") }]}>
      <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" style={{ width: "100%" }} allowClear={false} />
    </Form.Item>
  );
  const textArea = (name: string, label: string, required = false, placeholder?: string) => (
    <Form.Item name={name} label={label} rules={required ? [{ required: true, whitespace: true, message: messageText("required") }] : []}>
      <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} maxLength={5000} placeholder={placeholder} />
    </Form.Item>
  );
  const money = (name: string, label: string) => (
    <Form.Item name={name} label={label} rules={[amountRule(t)]}>
      <Input suffix={t("common.yuan")} placeholder={t("intake.amount_ph")} inputMode="decimal" />
    </Form.Item>
  );
  const k = `action.${kind}`;

  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => void send()}
      okText={t("common.confirm")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      okButtonProps={{ danger: kind === "case.voided", "data-testid": "action-ok" }}
      width={kind === "case.session_recorded" ? 720 : 560}
      destroyOnHidden
      maskClosable={false}
    >
      <div onKeyDown={(e) => submitKeys(e, () => void send())}>
        {kind === "case.voided" && <Alert type="warning" showIcon message={t("action.case.voided.warning")} style={{ marginBottom: 16 }} />}
        {kind === "case.accepted" && (
          <Alert type="info" showIcon message={t("action.case.accepted.confirm")} style={{ marginBottom: 16 }} />
        )}
        <Form form={form} layout="vertical" requiredMark name="action" className="action-form">
          {kind === "case.accepted" && (
            <>
              {dateTime("at", t("action.at"))}
              {textArea("note", t("action.note"))}
            </>
          )}
          {(kind === "case.not_accepted" || kind === "case.mediation_terminated") && (
            <>
              {dateTime("at", t("action.at"))}
              <Form.Item name="reason" label={t(`${k}.reason`)} rules={[{ required: true, message: messageText("required") }]}>
                <Select
                  options={reasonOptions}
                  placeholder={t("common.select")}
                  optionRender={(o) => <div className="wrap-option">{o.label}</div>}
                />
              </Form.Item>
              {textArea("note", t(`${k}.note`))}
            </>
          )}
          {kind === "case.session_scheduled" && (
            <>
              {dateTime("at", t(`${k}.at`))}
              <Form.Item name="mode" label={t(`${k}.mode`)}>
                <Select options={codeOptions("session_mode")} />
              </Form.Item>
              <Form.Item name="place" label={t(`${k}.place`)}>
                <Input placeholder={t(`${k}.place_ph`)} />
              </Form.Item>
              <Form.Item name="mediator" label={t(`${k}.mediator`)}>
                <AutoComplete options={mediators} />
              </Form.Item>
              <Form.Item name="note" label={t(`${k}.note`)}>
                <Input placeholder={t(`${k}.note_ph`)} />
              </Form.Item>
            </>
          )}
          {kind === "case.session_recorded" && (
            <div className="grid-2">
              <Form.Item name="session" label={t(`${k}.session`)} className="span-2">
                <Select
                  options={[
                    ...openSessions.map((s) => ({
                      value: s.id,
                      label: `${fmtDateTime(s.scheduled!.at)} · ${s.scheduled!.place ?? ""} · ${s.scheduled!.mediator ?? ""}`,
                    })),
                    { value: "new", label: t(`${k}.session_new`) },
                  ]}
                />
              </Form.Item>
              {dateTime("at", t(`${k}.held_at`))}
              <Form.Item name="mode" label={t(`${k}.mode`)}>
                <Select options={codeOptions("session_mode")} />
              </Form.Item>
              <Form.Item name="place" label={t(`${k}.place`)}>
                <Input />
              </Form.Item>
              <Form.Item
                name="mediator"
                label={t(`${k}.mediator`)}
                rules={[{ required: true, whitespace: true, message: messageText("required") }]}
              >
                <AutoComplete options={mediators} />
              </Form.Item>
              <Form.Item name="recorder" label={t(`${k}.recorder`)}>
                <AutoComplete options={staffNames} />
              </Form.Item>
              <Form.Item name="interpreter" label={t(`${k}.interpreter`)}>
                <AutoComplete options={staffNames} />
              </Form.Item>
              <Form.Item name="language" label={t(`${k}.language`)}>
                <Select options={codeOptions("language")} />
              </Form.Item>
              <Form.Item name="result" label={t(`${k}.result`)} rules={[{ required: true, message: messageText("required") }]}>
                <Select options={codeOptions("session_result")} />
              </Form.Item>
              <Form.Item name="attendees" label={t(`${k}.attendees`)} className="span-2">
                <Select mode="tags" placeholder={t(`${k}.attendees_ph`)} open={false} tokenSeparators={[",", "\uff0c", "\u3001"]} />
              </Form.Item>
              <div className="span-2">{textArea("record", t(`${k}.record`), false, t(`${k}.record_ph`))}</div>
            </div>
          )}
          {kind === "case.agreement_recorded" && (
            <>
              {dateTime("at", t(`${k}.signed_at`))}
              {textArea("terms", t(`${k}.terms`), true, t(`${k}.terms_ph`))}
              {money("amount", t(`${k}.amount`))}
              <Form.Item name="due" label={t(`${k}.performance_due`)}>
                <DatePicker style={{ width: "100%" }} />
              </Form.Item>
            </>
          )}
          {kind === "case.performance_confirmed" && (
            <>
              {dateTime("at", t("action.at"))}
              {textArea("note", t(`${k}.note`))}
            </>
          )}
          {kind === "case.transferred" && (
            <>
              <Form.Item name="kind" label={t(`${k}.kind`)} rules={[{ required: true, message: messageText("required") }]}>
                <Select options={codeOptions("transfer_kind")} />
              </Form.Item>
              {txKind === "to_department" ? (
                <Form.Item
                  name="to_department"
                  label={t(`${k}.to_department`)}
                  rules={[{ required: true, whitespace: true, message: messageText("required") }]}
                >
                  <Input placeholder={t(`${k}.to_department_ph`)} />
                </Form.Item>
              ) : (
                <UnitTarget kind={txKind as TransferKind | undefined} homeUnit={c.home_unit} />
              )}
              <Form.Item name="reason" label={t(`${k}.reason`)} rules={[{ required: true, message: messageText("required") }]}>
                <Select options={codeOptions("transfer_reason")} />
              </Form.Item>
              <Form.Item name="due" label={t(`${k}.due`)}>
                <DatePicker style={{ width: "100%" }} />
              </Form.Item>
              {textArea("note", t(`${k}.note`))}
            </>
          )}
          {kind === "case.transfer_feedback" && (
            <>
              <Form.Item name="transfer" label={t(`${k}.transfer`)} rules={[{ required: true, message: messageText("required") }]}>
                <Select
                  options={pendingTransfers.map((x) => ({
                    value: x.transfer,
                    label: `${t(`code.transfer_kind.${x.kind}`)} · ${x.to_department || unitLabel(ref.data, x.to_unit, x.to_unit_name)}`,
                  }))}
                />
              </Form.Item>
              {dateTime("at", t("action.at"))}
              {textArea("text", t(`${k}.text`), true)}
            </>
          )}
          {kind === "case.closed" && (
            <>
              {dateTime("at", t("action.at"))}
              <Form.Item name="outcome" label={t(`${k}.outcome`)} rules={[{ required: true, message: messageText("required") }]}>
                <Select options={codeOptions("outcome")} />
              </Form.Item>
              <div className="grid-2">
                {money("recovered", t(`${k}.recovered`))}
                {money("doubled", t(`${k}.doubled`))}
              </div>
              {textArea("note", t(`${k}.note`))}
            </>
          )}
          {kind === "case.followed_up" && (
            <>
              {dateTime("at", t("action.at"))}
              <div className="grid-2">
                <Form.Item name="method" label={t(`${k}.method`)}>
                  <Select options={codeOptions("contact_method")} />
                </Form.Item>
                <Form.Item name="satisfaction" label={t(`${k}.satisfaction`)}>
                  <Select options={codeOptions("satisfaction")} />
                </Form.Item>
              </div>
              {textArea("note", t(`${k}.note`))}
            </>
          )}
          {kind === "case.note_added" && textArea("text", t(`${k}.text`), true)}
          {kind === "case.voided" && (
            <Form.Item
              name="reason"
              label={t(`${k}.reason`)}
              rules={[{ required: true, whitespace: true, message: messageText("required") }]}
            >
              <Input placeholder={t(`${k}.reason_ph`)} maxLength={300} />
            </Form.Item>
          )}
        </Form>
        {error && <Alert type="error" showIcon message={t("action.failed")} description={error} data-testid="action-error" />}
      </div>
    </Modal>
  );
}

/** A scheduled session is recorded at its planned time, unless that is still ahead. */
export function plannedOrNow(planned: string | undefined, now: Dayjs): Dayjs {
  const p = planned ? dayjs(planned) : null;
  return p && p.isValid() && !p.isAfter(now) ? p : now;
}

function defaults(kind: ActionKind, d: CaseDetail): Values {
  const now = dayjs().second(0).millisecond(0);
  const c = d.case;
  const firstOpen = c.sessions.find((s) => s.scheduled && !s.recorded);
  switch (kind) {
    case "case.session_scheduled":
      return { at: now.add(2, "day").hour(10).minute(0), mode: "on_site" };
    case "case.session_recorded": {
      const sc = firstOpen?.scheduled;
      return {
        session: firstOpen ? firstOpen.id : "new",
        at: plannedOrNow(sc?.at, now),
        mode: sc?.mode ?? "on_site",
        place: sc?.place ?? "",
        mediator: sc?.mediator ?? "",
        language: c.reg.complainants[0]?.language ?? "zh",
        attendees: [...c.reg.complainants.map((p) => p.name), ...c.reg.respondents.map((r) => r.contact || r.name)].filter(Boolean),
      };
    }
    case "case.agreement_recorded":
      return { at: now, amount: c.reg.claim_fen ? fenToInput(c.reg.claim_fen) : "", due: now.add(7, "day") };
    case "case.transferred":
      return { kind: "co_handle", reason: "hard_case_joint", due: now.add(15, "day") };
    case "case.transfer_feedback":
      return { at: now, transfer: c.transfers.find((x) => x.feedback === null)?.transfer };
    case "case.closed":
      return {
        at: now,
        outcome: c.agreement ? "mediated" : c.reg.case_type === "consultation" ? "answered" : c.termination ? "unresolved" : "mediated",
        recovered: c.agreement ? fenToInput(c.agreement.amount_fen) : "",
        doubled: "",
      };
    case "case.followed_up":
      return { at: now, method: "phone", satisfaction: "satisfied" };
    default:
      return { at: now };
  }
}
