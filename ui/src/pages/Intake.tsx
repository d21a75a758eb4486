import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Result,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from "antd";
import { DeleteOutlined, MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { useNavigate, Link } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { api, IpcError } from "../ipc/api";
import type { CaseRef } from "../ipc/types";
import { codeOptions, errorText, issueMessage, useLabels } from "../lib/labels";
import {
  AmountError,
  draftHasContent,
  duplicateQuery,
  emptyComplainant,
  emptyIntake,
  emptyRespondent,
  intakeNamePath,
  isEmptyQuery,
  isPhone,
  requiredPaths,
  reviveDraft,
  toRegistration,
  type IntakeValues,
} from "../lib/intake";
import { parseYuan } from "../lib/money";
import { dayjs, fmtDate } from "../lib/time";
import { useOpId } from "../lib/useOpId";
import { useDebounced } from "../lib/useDebounced";
import { useDuplicates } from "../lib/queries";
import { CategorySelect, NatureSelect, RespondentNameInput } from "../components/Pickers";
import PageTitle from "../components/PageTitle";
import { explain } from "../lib/messages";

export const DRAFT_KEY = "intake";
const DRAFT_DELAY = 1000;

interface Draft {
  saved_at: number;
  values: Record<string, unknown>;
}

export function amountRule(t: (k: string) => string) {
  return {
    validator: (_: unknown, v: string | undefined) =>
      !v || !v.trim() || parseYuan(v).ok ? Promise.resolve() : Promise.reject(new Error(t("intake.amount_invalid"))),
  };
}

export function phoneRule(t: (k: string) => string) {
  return {
    validateTrigger: "onBlur",
    validator: (_: unknown, v: string | undefined) =>
      !v || !v.trim() || isPhone(v) ? Promise.resolve() : Promise.reject(new Error(t("intake.phone_invalid"))),
  };
}

/** A form's key handler: blocks accidental submission with Enter; Ctrl+Enter or Ctrl+S submits. */
export function submitKeys(e: KeyboardEvent<HTMLElement>, submit: () => void) {
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && (e.key === "Enter" || e.key === "s" || e.key === "S")) {
    e.preventDefault();
    submit();
    return;
  }
  const el = e.target as HTMLElement;
  if (e.key === "Enter" && !ctrl && el.tagName === "INPUT") e.preventDefault();
}

/**
 * Puts the keyboard in the first field that shows a problem (in the order of the form) and
 * scrolls it to the middle; waits for the messages to render.
 */
export function focusFirstError(root: HTMLElement | null, tries = 60, delay = 0) {
  setTimeout(() => {
    const item = root?.querySelector<HTMLElement>(".ant-form-item-has-error");
    if (!item) {
      // antd renders the messages after validation settles; on a busy machine that takes more
      // than one turn of the event loop, so look again (for up to about three seconds).
      if (tries > 0) focusFirstError(root, tries - 1, 50);
      return;
    }
    const target = item.querySelector<HTMLElement>(
      "input:not([type=hidden]):not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])",
    );
    (target ?? item).scrollIntoView?.({ block: "center" });
    target?.focus({ preventScroll: true });
  }, delay);
}

/** The number of representatives ticked, beside which their count problem is shown. */
function RepresentativeCount({ count }: { count: number; value?: unknown; onChange?: unknown }) {
  const { t } = useLabels();
  return (
    <Typography.Text className="rep-count" data-testid="rep-count">
      {t("intake.representatives_ticked", { count })}
    </Typography.Text>
  );
}

export default function Intake() {
  const { t, code } = useLabels();
  const [form] = Form.useForm<IntakeValues>();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const op = useOpId();
  const [done, setDone] = useState<CaseRef | null>(null);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const [restored, setRestored] = useState<number | null>(null);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [ready, setReady] = useState(false);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const firstField = useRef<HTMLInputElement | null>(null);

  // Restore a draft left by a crash or a closed window.
  useEffect(() => {
    let live = true;
    api
      .draftLoad(DRAFT_KEY)
      .then((json) => {
        if (!live || !json) return;
        const d = JSON.parse(json) as Draft;
        const values = reviveDraft(d.values);
        if (!draftHasContent(values)) return;
        form.setFieldsValue(values);
        setRestored(d.saved_at);
      })
      .catch(() => undefined)
      .finally(() => {
        if (live) setReady(true);
      });
    return () => {
      live = false;
      if (saveTimer.current) clearTimeout(saveTimer.current);
    };
  }, [form]);

  // The keyboard starts in the first field once the draft check is done, unless the clerk has
  // already started typing in another field of the form (the check can take a moment).
  useEffect(() => {
    if (!ready || done) return;
    const timer = setTimeout(() => {
      const active = document.activeElement;
      if (active instanceof HTMLElement && active.id.startsWith("intake_")) return;
      firstField.current?.focus();
    }, 0);
    return () => clearTimeout(timer);
  }, [ready, done]);

  const scheduleSave = useCallback(() => {
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => {
      const values = form.getFieldsValue(true) as Record<string, unknown>;
      const draft: Draft = { saved_at: Date.now(), values };
      api
        .draftSave(DRAFT_KEY, JSON.stringify(draft))
        .then(() => setSavedAt(draft.saved_at))
        .catch(() => undefined);
    }, DRAFT_DELAY);
  }, [form]);

  // Duplicate check while typing.
  const complainants = Form.useWatch("complainants", form);
  const respondents = Form.useWatch("respondents", form);
  const dupQuery = useMemo(() => duplicateQuery({ complainants, respondents }), [complainants, respondents]);
  const dupKey = useDebounced(JSON.stringify(dupQuery), 500);
  // Nothing once the form is emptied (at once, not after the pause).
  const dups = useDuplicates(dupKey, isEmptyQuery(dupQuery) || isEmptyQuery(JSON.parse(dupKey) as ReturnType<typeof duplicateQuery>));

  const mode = Form.useWatch("mode", form);
  const caseType = Form.useWatch("case_type", form);
  const collective = Form.useWatch("is_collective", form);
  const entrusted = mode === "entrusted";
  // The * marks: what the domain refuses empty for this kind of case (lib/intake requiredPaths).
  const nComplainants = complainants?.length ?? 1;
  const nRespondents = respondents?.length ?? 1;
  const required = useMemo(
    () =>
      requiredPaths({
        case_type: caseType,
        mode,
        is_collective: collective,
        complainants: Array.from({ length: nComplainants }, () => ({})),
        respondents: Array.from({ length: nRespondents }, () => ({})),
      }),
    [caseType, mode, collective, nComplainants, nRespondents],
  );
  const req = (path: string) => required.has(path);
  const formRef = useRef<HTMLDivElement | null>(null);
  const representatives = (complainants ?? []).filter((c) => c?.representative).length;

  const clearAll = async () => {
    if (saveTimer.current) clearTimeout(saveTimer.current);
    form.resetFields();
    form.setFieldsValue(emptyIntake());
    setRestored(null);
    setSavedAt(null);
    setProblems([]);
    op.reset();
    await api.draftClear(DRAFT_KEY).catch(() => undefined);
    firstField.current?.focus();
  };

  const submit = async () => {
    if (busy) return;
    let values: IntakeValues;
    try {
      await form.validateFields();
      values = form.getFieldsValue(true) as IntakeValues;
    } catch {
      focusFirstError(formRef.current); // antd shows the problems
      return;
    }
    let reg;
    try {
      reg = toRegistration(values);
    } catch (e) {
      if (e instanceof AmountError) {
        form.setFields([{ name: e.path as never, errors: [explain({ code: e.code })] }]);
        focusFirstError(formRef.current);
      }
      return;
    }
    setBusy(true);
    setProblems([]);
    try {
      const ref = await api.registerCase(op.get(reg), reg);
      if (saveTimer.current) clearTimeout(saveTimer.current);
      await api.draftClear(DRAFT_KEY).catch(() => undefined);
      op.reset();
      setDone(ref);
      setRestored(null);
      setSavedAt(null);
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "reference" });
    } catch (e) {
      if (e instanceof IpcError && e.issues.length) {
        const fields: { name: never; errors: string[] }[] = [];
        const rest: string[] = [];
        const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
        for (const i of e.issues) {
          const name = intakeNamePath(i.path);
          if (name) {
            const k = JSON.stringify(name);
            const f = byField.get(k) ?? { name, errors: [] };
            f.errors.push(issueMessage(i));
            byField.set(k, f);
          } else rest.push(issueMessage(i));
        }
        for (const f of byField.values()) fields.push({ name: f.name as never, errors: f.errors });
        form.setFields(fields);
        setProblems(rest);
        focusFirstError(formRef.current);
        void message.error(t("intake.form_problems", { count: e.issues.length }));
      } else {
        setProblems([errorText(e)]);
      }
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <div className="page narrow">
        <Card>
          <Result
            status="success"
            title={t("intake.success_title")}
            subTitle={
              <div className="new-case">
                <div>{t("intake.success_no")}</div>
                <Typography.Text
                  className="new-case-no"
                  copyable={{ text: done.no, tooltips: [t("common.copy"), t("common.copied")] }}
                  data-testid="case-no"
                >
                  {done.no}
                </Typography.Text>
              </div>
            }
            extra={[
              <Button key="view" type="primary" size="large" onClick={() => void navigate(`/cases/${done.id}`)} autoFocus>
                {t("intake.view_case")}
              </Button>,
              <Button
                key="next"
                size="large"
                onClick={() => {
                  form.resetFields();
                  form.setFieldsValue(emptyIntake());
                  setDone(null);
                }}
              >
                {t("intake.continue")}
              </Button>,
            ]}
          />
        </Card>
      </div>
    );

  return (
    <div className="page intake" ref={formRef} onKeyDown={(e) => submitKeys(e, () => void submit())}>
      <PageTitle title={t("intake.title")} sub={t("intake.subtitle")} />
      {restored && (
        <Alert
          type="info"
          showIcon
          className="block-gap"
          data-testid="draft-restored"
          message={t("intake.draft_restored", { time: dayjs(restored).format("MM-DD HH:mm") })}
          description={t("intake.draft_restored_desc")}
          action={
            <Button size="small" onClick={() => void clearAll()}>
              {t("common.clear")}
            </Button>
          }
        />
      )}
      <Form<IntakeValues>
        form={form}
        name="intake"
        layout="vertical"
        initialValues={emptyIntake()}
        onValuesChange={scheduleSave}
        requiredMark
        className="intake-form"
      >
        <Card title={t("intake.section_basic")} className="form-card">
          <Row gutter={20}>
            <Col span={6}>
              <Form.Item name="case_type" label={t("intake.case_type")} required>
                {/* Consultations are counted in 人次 (记一次咨询), not registered as cases. */}
                <Select options={codeOptions("case_type").filter((o) => o.value !== "consultation")} ref={firstField as never} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="mode" label={t("intake.mode")} tooltip={t("intake.mode_help")} required>
                <Select options={codeOptions("mode")} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="channel" label={t("intake.channel")} required>
                <Select options={codeOptions("channel")} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="received_at" label={t("intake.received_at")} required>
                <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" style={{ width: "100%" }} allowClear={false} />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card
          title={t("intake.section_complainants")}
          className="form-card"
          extra={
            <Space>
              <Typography.Text>{t("intake.collective")}</Typography.Text>
              <Form.Item name="is_collective" valuePropName="checked" noStyle>
                <Switch aria-label={t("intake.collective")} />
              </Form.Item>
            </Space>
          }
        >
          {collective && (
            <Row gutter={20} className="collective-row">
              <Col span={6}>
                <Form.Item name={["collective", "households"]} label={t("intake.households")} required>
                  <InputNumber min={2} max={100000} style={{ width: "100%" }} />
                </Form.Item>
              </Col>
              <Col span={6}>
                {/* The representatives are ticked on each complainant below; their count is checked here. */}
                <Form.Item
                  name={["collective", "representatives"]}
                  label={t("intake.representatives")}
                  required={req("collective.representatives")}
                  data-testid="representatives"
                >
                  <RepresentativeCount count={representatives} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Alert type="info" showIcon message={t("intake.collective_help")} style={{ marginTop: 30 }} />
              </Col>
            </Row>
          )}
          <Form.List name="complainants">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, idx) => (
                  <div key={f.key} className="party-block" data-testid={`complainant-${idx}`}>
                    <div className="party-head">
                      <Typography.Text strong>{t("intake.complainant_n", { n: idx + 1 })}</Typography.Text>
                      <Space>
                        {collective && (
                          <Form.Item name={[f.name, "representative"]} valuePropName="checked" noStyle>
                            <Checkbox>{t("intake.representative")}</Checkbox>
                          </Form.Item>
                        )}
                        {fields.length > 1 && (
                          <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} tabIndex={-1}>
                            {t("common.remove")}
                          </Button>
                        )}
                      </Space>
                    </div>
                    <Row gutter={20}>
                      <Col span={6}>
                        <Form.Item name={[f.name, "name"]} label={t("intake.name")} required={req(`complainants[${idx}].name`)}>
                          <Input maxLength={100} />
                        </Form.Item>
                      </Col>
                      <Col span={6}>
                        <Form.Item name={[f.name, "id_type"]} label={t("intake.id_type")}>
                          <Select options={codeOptions("id_type")} />
                        </Form.Item>
                      </Col>
                      <Col span={8}>
                        <Form.Item
                          name={[f.name, "id_number"]}
                          label={t("intake.id_number")}
                          required={req(`complainants[${idx}].id_number`)}
                        >
                          <Input maxLength={40} />
                        </Form.Item>
                      </Col>
                      <Col span={4}>
                        <Form.Item name={[f.name, "language"]} label={t("intake.language")}>
                          <Select options={codeOptions("language")} />
                        </Form.Item>
                      </Col>
                    </Row>
                    <Row gutter={20}>
                      <Col span={12}>
                        <Form.List name={[f.name, "phones"]}>
                          {(pf, pops) => (
                            <div className="phones">
                              {pf.map((p, j) => (
                                <Form.Item
                                  key={p.key}
                                  label={j === 0 ? t("intake.phones") : undefined}
                                  required={j === 0 && req(`complainants[${idx}].phones`)}
                                  className={j > 0 ? "phone-extra" : undefined}
                                >
                                  <div className="phone-row">
                                    <Form.Item name={[p.name]} noStyle rules={[phoneRule(t)]}>
                                      <Input placeholder={t("intake.phone_ph")} maxLength={20} />
                                    </Form.Item>
                                    {pf.length > 1 && (
                                      <Button
                                        type="text"
                                        icon={<MinusCircleOutlined />}
                                        onClick={() => pops.remove(p.name)}
                                        tabIndex={-1}
                                        aria-label={t("common.remove")}
                                      />
                                    )}
                                  </div>
                                </Form.Item>
                              ))}
                              {pf.length < 4 && (
                                <Button type="link" size="small" icon={<PlusOutlined />} onClick={() => pops.add("")} className="add-phone">
                                  {t("intake.add_phone")}
                                </Button>
                              )}
                            </div>
                          )}
                        </Form.List>
                      </Col>
                      <Col span={12}>
                        <Form.Item
                          name={[f.name, "contact_person"]}
                          label={t("intake.contact_person")}
                          tooltip={t("intake.contact_person_help")}
                        >
                          <Input maxLength={60} />
                        </Form.Item>
                      </Col>
                    </Row>
                    <Row gutter={20}>
                      <Col span={12}>
                        <Form.Item
                          name={[f.name, "address"]}
                          label={t("intake.address")}
                          required={req(`complainants[${idx}].address`)}
                          tooltip={req(`complainants[${idx}].address`) ? t("intake.address_or_village") : undefined}
                        >
                          <Input maxLength={300} />
                        </Form.Item>
                      </Col>
                      <Col span={12}>
                        <Form.Item name={[f.name, "village"]} label={t("intake.village")} tooltip={t("intake.village_help")}>
                          <Input maxLength={300} />
                        </Form.Item>
                      </Col>
                    </Row>
                    <Form.Item label={t("intake.consents")} className="consents">
                      <Space wrap size={[24, 8]}>
                        <Form.Item name={[f.name, "consents", "personal_info"]} valuePropName="checked" noStyle>
                          <Checkbox>{t("intake.consent_personal_info")}</Checkbox>
                        </Form.Item>
                        <Form.Item name={[f.name, "consents", "share_with_parties"]} valuePropName="checked" noStyle>
                          <Checkbox>{t("intake.consent_share")}</Checkbox>
                        </Form.Item>
                        <Form.Item name={[f.name, "consents", "publish"]} valuePropName="checked" noStyle>
                          <Checkbox>{t("intake.consent_publish")}</Checkbox>
                        </Form.Item>
                      </Space>
                    </Form.Item>
                    <Form.Item name={[f.name, "consents", "entrust_mediation"]} valuePropName="checked" className="consent-entrust">
                      <Checkbox>
                        {t("intake.consent_entrust")}
                        {entrusted && <span className="req-mark"> *</span>}
                      </Checkbox>
                    </Form.Item>
                  </div>
                ))}
                {fields.length < 5 && (
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(emptyComplainant())} block>
                    {t("intake.add_complainant")}
                  </Button>
                )}
              </>
            )}
          </Form.List>
        </Card>

        <Card title={t("intake.section_respondents")} className="form-card">
          <Form.List name="respondents">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, idx) => (
                  <div key={f.key} className="party-block" data-testid={`respondent-${idx}`}>
                    <div className="party-head">
                      <Typography.Text strong>{t("intake.respondent_n", { n: idx + 1 })}</Typography.Text>
                      {fields.length > 1 && (
                        <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} tabIndex={-1}>
                          {t("common.remove")}
                        </Button>
                      )}
                    </div>
                    <Row gutter={20}>
                      <Col span={12}>
                        <Form.Item name={[f.name, "name"]} label={t("intake.resp_name")} required={req(`respondents[${idx}].name`)}>
                          <RespondentNameInput
                            placeholder={t("intake.resp_name_ph")}
                            onPick={(h) =>
                              form.setFieldValue(["respondents", f.name], {
                                name: h.name,
                                kind: h.kind,
                                uscc: h.uscc ?? "",
                                address: h.address,
                                contact: h.contact,
                                phone: h.phone,
                              })
                            }
                          />
                        </Form.Item>
                      </Col>
                      <Col span={6}>
                        <Form.Item name={[f.name, "kind"]} label={t("intake.resp_kind")} required>
                          <Select options={codeOptions("respondent_kind")} />
                        </Form.Item>
                      </Col>
                      <Col span={6}>
                        <Form.Item name={[f.name, "uscc"]} label={t("intake.uscc")}>
                          <Input maxLength={18} placeholder={t("common.optional")} />
                        </Form.Item>
                      </Col>
                    </Row>
                    <Row gutter={20}>
                      <Col span={12}>
                        <Form.Item name={[f.name, "address"]} label={t("intake.resp_address")}>
                          <Input maxLength={300} />
                        </Form.Item>
                      </Col>
                      <Col span={6}>
                        <Form.Item name={[f.name, "contact"]} label={t("intake.resp_contact")}>
                          <Input maxLength={60} />
                        </Form.Item>
                      </Col>
                      <Col span={6}>
                        <Form.Item name={[f.name, "phone"]} label={t("intake.resp_phone")} rules={[phoneRule(t)]}>
                          <Input maxLength={20} />
                        </Form.Item>
                      </Col>
                    </Row>
                  </div>
                ))}
                {fields.length < 2 && (
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(emptyRespondent())} block>
                    {t("intake.add_respondent")}
                  </Button>
                )}
                <Typography.Paragraph type="secondary" className="hint">
                  {t("intake.respondent_help")}
                </Typography.Paragraph>
              </>
            )}
          </Form.List>
        </Card>

        {dups.length > 0 && (
          <Alert
            type="warning"
            showIcon
            className="block-gap"
            data-testid="duplicate-warning"
            message={t("intake.duplicate_title")}
            description={
              <div>
                <div>{t("intake.duplicate_desc")}</div>
                <ul className="dup-list">
                  {dups.slice(0, 6).map((d) => (
                    <li key={`${d.case_id}-${d.role}-${d.by}-${d.matched}`}>
                      <Link to={`/cases/${d.case_id}`}>
                        {t("intake.duplicate_item", {
                          no: d.no,
                          status: code("status", d.status),
                          date: fmtDate(d.received_at),
                          role: t(`intake.dup_role_${d.role}`),
                          by: t(`intake.dup_by_${d.by}`),
                          matched: d.matched,
                        })}
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
            }
          />
        )}

        <Card title={t("intake.section_facts")} className="form-card">
          <Row gutter={20}>
            <Col span={12}>
              <Form.Item name="category" label={t("intake.category")} required={req("category")}>
                <CategorySelect />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="nature" label={t("intake.nature")} required={req("nature")}>
                <NatureSelect />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={20}>
            <Col span={6}>
              <Form.Item name={["facts", "occurred_on"]} label={t("intake.occurred_on")}>
                <DatePicker style={{ width: "100%" }} disabledDate={(d) => d.isAfter(dayjs(), "day")} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={["facts", "place"]} label={t("intake.place")}>
                <Input maxLength={300} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={["facts", "amount"]} label={t("intake.amount")} rules={[amountRule(t)]}>
                <Input suffix={t("common.yuan")} placeholder={t("intake.amount_ph")} inputMode="decimal" />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name={["facts", "content"]} label={t("intake.content")} required={req("facts.content")}>
            <Input.TextArea autoSize={{ minRows: 4, maxRows: 12 }} placeholder={t("intake.content_ph")} maxLength={20000} />
          </Form.Item>
        </Card>

        <Card title={t("intake.section_requests")} className="form-card">
          <Form.Item name="requests" label={t("intake.requests")} required={req("requests")}>
            <Checkbox.Group options={codeOptions("request_kind")} className="request-group" />
          </Form.Item>
          <Row gutter={20}>
            <Col span={18}>
              <Form.Item name="request_text" label={t("intake.request_text")}>
                <Input placeholder={t("intake.request_text_ph")} maxLength={2000} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="claim" label={t("intake.claim")} rules={[amountRule(t)]}>
                <Input suffix={t("common.yuan")} placeholder={t("intake.amount_ph")} inputMode="decimal" />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        {problems.length > 0 && (
          <Alert
            type="error"
            showIcon
            className="block-gap"
            data-testid="form-problems"
            message={t("intake.problems")}
            description={
              <ul className="dup-list">
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            }
          />
        )}

        <div className="form-footer">
          <Space size={12}>
            <Button type="primary" size="large" loading={busy} onClick={() => void submit()} data-testid="intake-submit">
              {busy ? t("intake.submitting") : t("intake.submit")}
            </Button>
            <Typography.Text type="secondary">{t("common.shortcut_submit")}</Typography.Text>
          </Space>
          <Space size={16}>
            {savedAt && (
              <Typography.Text type="secondary">{t("intake.draft_saved", { time: dayjs(savedAt).format("HH:mm:ss") })}</Typography.Text>
            )}
            <Popconfirm title={t("intake.clear_confirm")} onConfirm={() => void clearAll()}>
              <Button>{t("intake.clear_form")}</Button>
            </Popconfirm>
          </Space>
        </div>
      </Form>
    </div>
  );
}
