// 更正登记信息: a correction of a registered case. The form starts with the case's current
// values; only the fields a person changed are sent, as one `case.edited` event whose edits
// each name the event that last set the field as this screen saw it (`base`), so that two
// stations correcting the same field offline become a conflict instead of one silently winning.
// Problems found by Rust come back under the registration's paths and are shown beside fields.
import { useEffect, useMemo, useState } from "react";
import { Alert, App as AntApp, Col, Divider, Form, Input, Modal, Row, Select, Typography } from "antd";
import { IpcError } from "../ipc/api";
import type { CaseDetail, CaseRegistered } from "../ipc/types";
import type { FieldEdit } from "../bindings";
import { errorText, issueMessage, useLabels } from "../lib/labels";
import { useCaseAction } from "../lib/queries";
import { fenToInput, parseYuan } from "../lib/money";
import { useOpId } from "../lib/useOpId";
import { issuePathToNamePath, type NamePath } from "../lib/paths";
import { CategorySelect, NatureSelect } from "../components/Pickers";
import { amountRule, phoneRule, submitKeys } from "./Intake";
import { messageText } from "../lib/messages";

interface PersonValues {
  name: string;
  phones: string[];
  id_number: string;
  address: string;
  village: string;
}
interface RespondentValues {
  name: string;
  uscc: string;
  address: string;
  contact: string;
  phone: string;
}
export interface EditValues {
  complainants: PersonValues[];
  respondents: RespondentValues[];
  category?: string;
  nature?: string;
  facts: { content: string; place: string; amount: string };
  request_text: string;
  claim: string;
}

/** The form's starting values: the registration as it is now. */
export function editValuesOf(reg: CaseRegistered): EditValues {
  return {
    complainants: reg.complainants.map((p) => ({
      name: p.name,
      phones: [...p.phones],
      id_number: p.id_number ?? "",
      address: p.address ?? "",
      village: p.village ?? "",
    })),
    respondents: reg.respondents.map((r) => ({
      name: r.name,
      uscc: r.uscc ?? "",
      address: r.address ?? "",
      contact: r.contact ?? "",
      phone: r.phone ?? "",
    })),
    category: reg.category ?? undefined,
    nature: reg.nature ?? undefined,
    facts: { content: reg.facts.content, place: reg.facts.place ?? "", amount: fenToInput(reg.facts.amount_fen) },
    request_text: reg.request_text ?? "",
    claim: fenToInput(reg.claim_fen),
  };
}

/** Comma, full-width comma, space and 、 separate phone numbers typed into one box. */
const PHONE_SEPARATORS = [",", "\uff0c", " ", "\u3001"];

const text = (v: string | undefined) => (v ?? "").trim();
const optText = (v: string | undefined) => text(v) || null;
const fen = (v: string | undefined) => {
  const s = text(v);
  if (!s) return null;
  const r = parseYuan(s);
  return r.ok ? r.fen : null;
};

/** Registration path and value of every field the form covers, in the registration's form. */
function fieldsOf(v: EditValues): [string, unknown][] {
  const out: [string, unknown][] = [];
  v.complainants.forEach((p, i) => {
    const at = `complainants[${i}]`;
    out.push([`${at}.name`, text(p.name)]);
    out.push([`${at}.phones`, (p.phones ?? []).map((x) => x.trim()).filter(Boolean)]);
    out.push([`${at}.id_number`, optText(p.id_number)]);
    out.push([`${at}.address`, text(p.address)]);
    out.push([`${at}.village`, text(p.village)]);
  });
  v.respondents.forEach((r, i) => {
    const at = `respondents[${i}]`;
    out.push([`${at}.name`, text(r.name)]);
    out.push([`${at}.uscc`, optText(r.uscc)]);
    out.push([`${at}.address`, text(r.address)]);
    out.push([`${at}.contact`, text(r.contact)]);
    out.push([`${at}.phone`, text(r.phone)]);
  });
  out.push(["category", v.category ?? null]);
  out.push(["nature", v.nature ?? null]);
  out.push(["facts.content", text(v.facts.content)]);
  out.push(["facts.place", text(v.facts.place)]);
  out.push(["facts.amount_fen", fen(v.facts.amount)]);
  out.push(["request_text", text(v.request_text)]);
  out.push(["claim_fen", fen(v.claim)]);
  return out;
}

/** The edits that turn `before` into `after`; each based on the field's last correction. */
export function diffEdits(before: EditValues, after: EditValues, heads: Record<string, string>): FieldEdit[] {
  const old = new Map(fieldsOf(before).map(([k, v]) => [k, JSON.stringify(v)]));
  return fieldsOf(after)
    .filter(([k, v]) => old.get(k) !== JSON.stringify(v))
    .map(([field, value]) => ({ field, value, base: heads[field] ?? null }));
}

/** Where a problem Rust reports under a registration path is shown in this form. */
export function editIssueNamePath(path: string): NamePath {
  const p = path
    .replace(/^(complainants\[\d+\]\.phones)\[\d+\]$/, "$1")
    .replace(/^facts\.amount_fen$/, "facts.amount")
    .replace(/^claim_fen$/, "claim");
  return issuePathToNamePath(p);
}

export default function EditCaseModal({ open, detail, onClose }: { open: boolean; detail: CaseDetail; onClose: () => void }) {
  // Mounted for each opening: the form, its error and its operation id start afresh.
  return open ? <EditCaseForm detail={detail} onClose={onClose} /> : null;
}

function EditCaseForm({ detail, onClose }: { detail: CaseDetail; onClose: () => void }) {
  const { t } = useLabels();
  const [form] = Form.useForm<EditValues>();
  const act = useCaseAction();
  const { message } = AntApp.useApp();
  const op = useOpId();
  const [busy, setBusy] = useState(false);
  const c = detail.case;
  const initial = useMemo(() => editValuesOf(c.reg), [c.reg]);
  // An error is about the values it was given for: a case refreshed meanwhile hides it.
  const [failure, setFailure] = useState<{ text: string; on: EditValues } | null>(null);
  const error = failure?.on === initial ? failure.text : null;
  const setError = (text: string | null) => setFailure(text === null ? null : { text, on: initial });

  // The case refreshed while the form is open: start again from its values.
  useEffect(() => {
    form.resetFields();
    form.setFieldsValue(initial);
    op.reset();
  }, [initial, form, op]);

  const send = async () => {
    let v: EditValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const edits = diffEdits(initial, { ...initial, ...v }, c.field_heads);
    if (edits.length === 0) {
      setError(t("edit.no_change"));
      return;
    }
    const event = { kind: "case.edited" as const, payload: { edits } };
    const opId = op.get(event);
    setBusy(true);
    setError(null);
    try {
      await act(opId, c.id, event);
      void message.success(t("edit.saved", { count: edits.length }));
      onClose();
    } catch (e) {
      if (e instanceof IpcError && e.issues.length) {
        form.setFields(e.issues.map((i) => ({ name: editIssueNamePath(i.path) as never, errors: [issueMessage(i)] })));
      }
      setError(`${errorText(e)} ${e instanceof IpcError && e.issues.length ? "" : t("action.retry_hint")}`.trim());
    } finally {
      setBusy(false);
    }
  };

  const item = (name: NamePath, label: string, extra: object = {}) => (
    <Form.Item name={name} label={label} {...extra}>
      <Input maxLength={200} />
    </Form.Item>
  );

  return (
    <Modal
      open
      title={t("edit.title", { no: c.reg.case_no })}
      onCancel={onClose}
      onOk={() => void send()}
      okText={t("edit.submit")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "edit-ok" }}
      width={760}
      destroyOnHidden
      maskClosable={false}
    >
      <div onKeyDown={(e) => submitKeys(e, () => void send())} data-testid="edit-form">
        <Typography.Paragraph type="secondary">{t("edit.hint")}</Typography.Paragraph>
        <Form form={form} layout="vertical" name="edit" className="edit-form" initialValues={initial}>
          {initial.complainants.map((_, i) => (
            <div key={`c${i}`}>
              <Divider titlePlacement="start" plain>
                {t("intake.complainant_n", { n: i + 1 })}
              </Divider>
              <Row gutter={16}>
                <Col span={8}>
                  {item(["complainants", i, "name"], t("intake.name"), {
                    rules: [{ required: true, whitespace: true, message: messageText("required") }],
                  })}
                </Col>
                <Col span={16}>
                  <Form.Item name={["complainants", i, "phones"]} label={t("intake.phones")} extra={t("edit.phones_help")}>
                    <Select mode="tags" tokenSeparators={PHONE_SEPARATORS} open={false} suffixIcon={null} aria-label={t("intake.phones")} />
                  </Form.Item>
                </Col>
                <Col span={8}>{item(["complainants", i, "id_number"], t("intake.id_number"))}</Col>
                <Col span={8}>{item(["complainants", i, "address"], t("intake.address"))}</Col>
                <Col span={8}>{item(["complainants", i, "village"], t("intake.village"))}</Col>
              </Row>
            </div>
          ))}
          {initial.respondents.map((_, i) => (
            <div key={`r${i}`}>
              <Divider titlePlacement="start" plain>
                {t("intake.respondent_n", { n: i + 1 })}
              </Divider>
              <Row gutter={16}>
                <Col span={12}>
                  {item(["respondents", i, "name"], t("intake.resp_name"), {
                    rules: [{ required: true, whitespace: true, message: messageText("required") }],
                  })}
                </Col>
                <Col span={12}>{item(["respondents", i, "uscc"], t("intake.uscc"))}</Col>
                <Col span={12}>{item(["respondents", i, "address"], t("intake.resp_address"))}</Col>
                <Col span={6}>{item(["respondents", i, "contact"], t("intake.resp_contact"))}</Col>
                <Col span={6}>{item(["respondents", i, "phone"], t("intake.resp_phone"), { rules: [phoneRule(t)] })}</Col>
              </Row>
            </div>
          ))}
          <Divider titlePlacement="start" plain>
            {t("intake.section_facts")}
          </Divider>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name="category" label={t("intake.category")}>
                <CategorySelect placeholder={t("intake.category_ph")} aria-label={t("intake.category")} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="nature" label={t("intake.nature")}>
                <NatureSelect aria-label={t("intake.nature")} />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item
                name={["facts", "content"]}
                label={t("intake.content")}
                rules={[{ required: true, whitespace: true, message: messageText("required") }]}
              >
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={5000} />
              </Form.Item>
            </Col>
            <Col span={12}>{item(["facts", "place"], t("intake.place"))}</Col>
            <Col span={12}>
              <Form.Item name={["facts", "amount"]} label={t("intake.amount")} rules={[amountRule(t)]}>
                <Input suffix={t("common.yuan")} inputMode="decimal" />
              </Form.Item>
            </Col>
            <Col span={12}>{item(["request_text"], t("intake.request_text"))}</Col>
            <Col span={12}>
              <Form.Item name="claim" label={t("intake.claim")} rules={[amountRule(t)]}>
                <Input suffix={t("common.yuan")} inputMode="decimal" />
              </Form.Item>
            </Col>
          </Row>
        </Form>
        {error && <Alert type={error === t("edit.no_change") ? "info" : "error"} showIcon message={error} data-testid="edit-error" />}
      </div>
    </Modal>
  );
}
