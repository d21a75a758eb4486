import { useState, type ReactNode } from "react";
import { Button, Card, Col, Descriptions, Divider, Empty, Result, Row, Skeleton, Space, Tag, Timeline, Tooltip, Typography } from "antd";
import { ArrowLeftOutlined, EyeOutlined, WarningOutlined } from "@ant-design/icons";
import { useNavigate, useParams } from "react-router";
import type { TFunction } from "i18next";
import type { ActionKind, CaseDetail as Detail, Reference, TimelineEntry } from "../ipc/types";
import { ACTION_KINDS } from "../ipc/types";
import { useCase, usePermission, useReference } from "../lib/queries";
import { api, newOpId } from "../ipc/api";
import { categoryLabel, codeLabel, errorText, natureLabel, reasonLabel, unitLabel, useLabels } from "../lib/labels";
import { formatYuan } from "../lib/money";
import { dayjs, fmtDate, fmtDateTime, stationToday } from "../lib/time";
import StatusTag from "../components/StatusTag";
import DeadlineText from "../components/DeadlineText";
import ActionModal from "./CaseActions";
import EditCaseModal from "./EditCase";
import ConflictList from "./ConflictList";
import { DocumentsCard, EvidenceCard } from "./CaseDocuments";
import { fieldLabel } from "../lib/fields";

const PRIMARY: ActionKind[] = [
  "case.accepted",
  "case.session_scheduled",
  "case.session_recorded",
  "case.agreement_recorded",
  "case.performance_confirmed",
  "case.closed",
];

/**
 * The timeline in the order things were done (each entry's `at`: when received, held, signed,
 * decided; a scheduling at the time it was made, its planned time being part of its text),
 * entries done at the same time in the order they were recorded.
 */
export function byTimeDone<T extends { at: string }>(entries: T[]): T[] {
  return entries
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
}

/** A one-line summary of a timeline entry in the UI language. */
export function timelineSummary(
  e: TimelineEntry,
  t: TFunction,
  ref: Reference | undefined,
  en: boolean,
  ruleSet: Detail["case"]["rule_set"],
): string {
  const p = e.payload;
  const s = (k: string) => (typeof p[k] === "string" ? p[k] : "");
  const n = (k: string) => (typeof p[k] === "number" ? p[k] : 0);
  switch (e.kind) {
    case "case.registered":
      return t("timeline.case.registered", { type: codeLabel("case_type", s("case_type")), channel: codeLabel("channel", s("channel")) });
    case "case.accepted":
      return t("timeline.case.accepted");
    case "case.not_accepted":
      return t("timeline.case.not_accepted", { reason: reasonLabel(ref, "not_accept_reasons", ruleSet, s("reason"), en) });
    case "case.session_scheduled":
      return t("timeline.case.session_scheduled", {
        at: fmtDateTime(s("at")),
        mode: codeLabel("session_mode", s("mode")),
        place: s("place") ? t("timeline.place_sep") + s("place") : "",
      });
    case "case.session_recorded":
      return t("timeline.case.session_recorded", {
        mode: codeLabel("session_mode", s("mode")),
        mediator: s("mediator"),
        result: codeLabel("session_result", s("result")),
      });
    case "case.agreement_recorded":
      return t("timeline.case.agreement_recorded", { terms: s("terms"), amount: formatYuan(n("amount_fen")) });
    case "case.performance_confirmed":
      return t("timeline.case.performance_confirmed");
    case "case.mediation_terminated":
      return t("timeline.case.mediation_terminated", { reason: reasonLabel(ref, "termination_reasons", ruleSet, s("reason"), en) });
    case "case.transferred":
      return t("timeline.case.transferred", {
        kind: codeLabel("transfer_kind", s("kind")),
        to: s("to_department") || unitLabel(ref, s("to_unit"), s("to_unit_name")),
        reason: codeLabel("transfer_reason", s("reason")),
      });
    case "case.transfer_feedback":
      return t("timeline.case.transfer_feedback", { text: s("text") });
    case "case.closed":
      return t("timeline.case.closed", { outcome: codeLabel("outcome", s("outcome")), amount: formatYuan(n("recovered_fen")) });
    case "case.followed_up":
      return t("timeline.case.followed_up", {
        method: codeLabel("contact_method", s("method")),
        satisfaction: codeLabel("satisfaction", s("satisfaction")),
      });
    case "case.note_added":
      return t("timeline.case.note_added", { text: s("text") });
    case "case.voided":
      return t("timeline.case.voided", { reason: s("reason") });
    case "case.document_issued":
      return t("timeline.case.document_issued", { kind: codeLabel("doc_kind", s("kind")), number: s("number") });
    case "case.evidence_added":
      return t("timeline.case.evidence_added", { name: s("description") || s("name") });
    case "case.edited": {
      const fields = Array.isArray(p.edits)
        ? p.edits.map((x) => (x as { field?: unknown }).field).map((f) => (typeof f === "string" ? f : ""))
        : [];
      return fields.length > 0 && fields.length <= 3
        ? t("timeline.case.edited_fields", { fields: fields.map((f) => fieldLabel(f, t)).join(t("app.list_sep")) })
        : t("timeline.case.edited", { count: fields.length });
    }
    default:
      return t("timeline.unknown", { kind: e.kind });
  }
}

/** A masked ID or phone number; a permitted member may show it in full, which Rust records
 *  (`audit.revealed`) and the head sees in Settings. */
function Masked({ detail, field, value }: { detail: Detail; field: string; value: string }) {
  const { t } = useLabels();
  const may = usePermission("reveal") && detail.revealable.includes(field);
  const [full, setFull] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const show = async () => {
    setBusy(true);
    setError(null);
    try {
      setFull(await api.reveal(newOpId(), detail.case.id, field));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space size={4} className="masked-value" data-testid={`masked-${field}`}>
      <span>{full ?? value}</span>
      {full !== null ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("auth.revealed_note")}
        </Typography.Text>
      ) : (
        may && (
          <Tooltip title={t("auth.reveal_help")}>
            <Button
              size="small"
              type="link"
              icon={<EyeOutlined />}
              loading={busy}
              onClick={() => void show()}
              data-testid={`reveal-${field}`}
            >
              {t("auth.reveal")}
            </Button>
          </Tooltip>
        )
      )}
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </Space>
  );
}

function Field({ children }: { children: ReactNode }) {
  return (
    <>{children === "" || children === null || children === undefined ? <Typography.Text type="secondary">—</Typography.Text> : children}</>
  );
}

export default function CaseDetailPage() {
  const { id = "" } = useParams();
  const { t, en, code } = useLabels();
  const navigate = useNavigate();
  const q = useCase(id);
  const ref = useReference();
  const [action, setAction] = useState<ActionKind | null>(null);
  const [editing, setEditing] = useState(false);

  if (q.isPending) return <Skeleton active paragraph={{ rows: 14 }} />;
  if (q.isError || !q.data)
    return (
      <Result
        status="404"
        title={t("detail.not_found")}
        subTitle={errorText(q.error)}
        extra={<Button onClick={() => void navigate("/cases")}>{t("detail.back")}</Button>}
      />
    );
  const d = q.data;
  const c = d.case;
  const reg = c.reg;
  const today = stationToday();
  const nd = d.next_deadline;
  const daysLeft = nd ? dayjs(nd.date).diff(dayjs(today), "day") : 0;
  const ndView = nd
    ? { kind: nd.kind as never, date: nd.date, provisional: nd.provisional, overdue: daysLeft < 0, days_left: daysLeft }
    : null;
  const actions = ACTION_KINDS.filter((k) => d.allowed.includes(k));
  const primary = actions.filter((k) => PRIMARY.includes(k));
  const secondary = actions.filter((k) => !PRIMARY.includes(k) && k !== "case.voided");
  const canEdit = d.allowed.includes("case.edited");
  const money = (fen: number | null | undefined) =>
    fen === null || fen === undefined ? "" : t("common.yuan_value", { value: formatYuan(fen) });

  return (
    <div className="page case-detail" data-testid="case-detail">
      <Button type="link" icon={<ArrowLeftOutlined />} onClick={() => void navigate(-1)} className="back-link">
        {t("detail.back")}
      </Button>

      <Card className="detail-head">
        <Row gutter={24} align="middle">
          <Col flex="auto">
            <Space size={12} align="center" wrap>
              <Typography.Title level={3} style={{ margin: 0 }} data-testid="detail-no">
                {reg.case_no}
              </Typography.Title>
              <span data-testid="detail-status">
                <StatusTag status={c.status} />
              </span>
              <Tag>{code("case_type", reg.case_type)}</Tag>
              <Tag color="geekblue">{t("app.labeled", { label: t("detail.rule_set"), value: code("rule_set", c.rule_set) })}</Tag>
              {reg.collective && <Tag color="volcano">{t("detail.collective", { count: reg.collective.households })}</Tag>}
            </Space>
            <div className="head-meta">
              <span>
                {t("app.labeled", { label: t("detail.received"), value: fmtDateTime(reg.received_at) })} · {code("channel", reg.channel)}
              </span>
              <span>{t("app.labeled", { label: t("detail.unit"), value: unitLabel(ref.data, c.home_unit) })}</span>
              {c.co_handlers.length > 0 && (
                <span>
                  {t("app.labeled", {
                    label: t("detail.co_handlers"),
                    value: c.co_handlers.map((u) => unitLabel(ref.data, u)).join(t("app.list_sep")),
                  })}
                </span>
              )}
            </div>
          </Col>
          <Col>
            <div className={`deadline-box${ndView?.overdue ? " overdue" : ""}`} data-testid="detail-deadline">
              <div className="deadline-label">{nd ? t(`code.deadline_kind.${nd.kind}`) : t("detail.next_deadline")}</div>
              {ndView ? (
                <div className="deadline-value">
                  <DeadlineText d={ndView} />
                </div>
              ) : (
                <div className="deadline-value muted">{t("detail.no_deadline")}</div>
              )}
            </div>
          </Col>
        </Row>
        <Divider style={{ margin: "16px 0" }} />
        <div className="action-bar" data-testid="action-bar">
          {actions.length === 0 && !canEdit ? (
            <Typography.Text type="secondary">{t("detail.no_actions")}</Typography.Text>
          ) : (
            <Space wrap size={[8, 8]}>
              {primary.map((k, i) => (
                <Button key={k} type={i === 0 ? "primary" : "default"} onClick={() => setAction(k)} data-testid={`act-${k}`}>
                  {t(`action.${k}.button`)}
                </Button>
              ))}
              {secondary.map((k) => (
                <Button key={k} onClick={() => setAction(k)} data-testid={`act-${k}`}>
                  {t(`action.${k}.button`)}
                </Button>
              ))}
              {canEdit && (
                <Button onClick={() => setEditing(true)} data-testid="act-case.edited">
                  {t("action.case.edited.button")}
                </Button>
              )}
              {actions.includes("case.voided") && (
                <Button danger type="text" onClick={() => setAction("case.voided")} data-testid="act-case.voided">
                  {t("action.case.voided.button")}
                </Button>
              )}
            </Space>
          )}
        </div>
      </Card>

      {c.conflicts.length > 0 && <ConflictList detail={d} />}

      <Row gutter={16} className="block-gap">
        <Col span={15}>
          <Space direction="vertical" size={16} style={{ width: "100%" }}>
            <Card title={t("detail.complainants")} size="small">
              {reg.complainants.length === 0 ? (
                <Typography.Text type="secondary">{t("list.anonymous")}</Typography.Text>
              ) : (
                reg.complainants.map((p, i) => (
                  <Descriptions
                    key={i}
                    column={2}
                    size="small"
                    className="party-desc"
                    title={
                      <Space>
                        {p.name}
                        {p.representative && <Tag color="volcano">{t("detail.representative")}</Tag>}
                      </Space>
                    }
                  >
                    <Descriptions.Item label={t("detail.phones")}>
                      <Field>
                        {p.phones.length > 0 && (
                          <Space size={12} wrap>
                            {p.phones.map((ph, j) => (
                              <Masked key={j} detail={d} field={`complainants[${i}].phones[${j}]`} value={ph} />
                            ))}
                          </Space>
                        )}
                      </Field>
                    </Descriptions.Item>
                    <Descriptions.Item label={t("detail.id")}>
                      <Field>
                        {p.id_number && (
                          <Space size={4}>
                            {code("id_type", p.id_type)}
                            <Masked detail={d} field={`complainants[${i}].id_number`} value={p.id_number} />
                          </Space>
                        )}
                      </Field>
                    </Descriptions.Item>
                    <Descriptions.Item label={t("detail.address")}>
                      <Field>{[p.address, p.village].filter(Boolean).join(" / ")}</Field>
                    </Descriptions.Item>
                    <Descriptions.Item label={t("detail.language")}>{code("language", p.language)}</Descriptions.Item>
                    {p.contact_person && <Descriptions.Item label={t("detail.contact_person")}>{p.contact_person}</Descriptions.Item>}
                    <Descriptions.Item label={t("detail.consents")} span={2}>
                      <Space wrap size={4}>
                        {p.consents.personal_info && <Tag>{t("intake.consent_personal_info")}</Tag>}
                        {p.consents.share_with_parties && <Tag>{t("intake.consent_share")}</Tag>}
                        {p.consents.publish && <Tag>{t("intake.consent_publish")}</Tag>}
                        {p.consents.entrust_mediation && <Tag>{t("intake.consent_entrust")}</Tag>}
                      </Space>
                    </Descriptions.Item>
                  </Descriptions>
                ))
              )}
            </Card>
            <Card title={t("detail.respondents")} size="small">
              {reg.respondents.length === 0 ? (
                <Typography.Text type="secondary">—</Typography.Text>
              ) : (
                reg.respondents.map((r, i) => (
                  <Descriptions key={i} column={2} size="small" className="party-desc" title={r.name}>
                    <Descriptions.Item label={t("detail.kind")}>{code("respondent_kind", r.kind)}</Descriptions.Item>
                    <Descriptions.Item label={t("detail.uscc")}>
                      <Field>{r.uscc}</Field>
                    </Descriptions.Item>
                    <Descriptions.Item label={t("detail.address")}>
                      <Field>{r.address}</Field>
                    </Descriptions.Item>
                    <Descriptions.Item label={t("detail.contact")}>
                      <Field>{[r.contact, r.phone].filter(Boolean).join(" ")}</Field>
                    </Descriptions.Item>
                  </Descriptions>
                ))
              )}
            </Card>
            <Card title={t("detail.facts")} size="small">
              <Descriptions column={2} size="small">
                <Descriptions.Item label={t("detail.category")}>
                  <Field>{categoryLabel(ref.data, reg.category, en)}</Field>
                </Descriptions.Item>
                <Descriptions.Item label={t("detail.nature")}>
                  <Field>{natureLabel(ref.data, reg.nature, en)}</Field>
                </Descriptions.Item>
                <Descriptions.Item label={t("detail.occurred")}>
                  <Field>{reg.facts.occurred_on}</Field>
                </Descriptions.Item>
                <Descriptions.Item label={t("detail.place")}>
                  <Field>{reg.facts.place}</Field>
                </Descriptions.Item>
                <Descriptions.Item label={t("detail.content")} span={2}>
                  <Typography.Paragraph style={{ margin: 0, whiteSpace: "pre-wrap" }}>{reg.facts.content}</Typography.Paragraph>
                </Descriptions.Item>
                <Descriptions.Item label={t("detail.requests")} span={2}>
                  <Field>{reg.requests.map((r) => code("request_kind", r)).join(t("app.list_sep"))}</Field>
                </Descriptions.Item>
                {reg.request_text && (
                  <Descriptions.Item label={t("detail.request_text")} span={2}>
                    {reg.request_text}
                  </Descriptions.Item>
                )}
              </Descriptions>
            </Card>
            <Card title={t("detail.amounts")} size="small">
              <Descriptions column={2} size="small">
                <Descriptions.Item label={t("detail.amount")}>
                  <Field>{money(reg.facts.amount_fen)}</Field>
                </Descriptions.Item>
                <Descriptions.Item label={t("detail.claim")}>
                  <Field>{money(reg.claim_fen)}</Field>
                </Descriptions.Item>
                {c.agreement && <Descriptions.Item label={t("detail.agreement_amount")}>{money(c.agreement.amount_fen)}</Descriptions.Item>}
                {c.closure && (
                  <Descriptions.Item label={t("detail.recovered")}>
                    <span data-testid="detail-recovered">{money(c.closure.recovered_fen)}</span>
                  </Descriptions.Item>
                )}
                {c.closure && c.closure.doubled_fen > 0 && (
                  <Descriptions.Item label={t("detail.doubled")}>{money(c.closure.doubled_fen)}</Descriptions.Item>
                )}
              </Descriptions>
            </Card>
            {c.sessions.length > 0 && (
              <Card title={t("detail.sessions")} size="small">
                {c.sessions.map((s) => (
                  <Descriptions
                    key={s.id}
                    column={2}
                    size="small"
                    className="party-desc"
                    title={
                      <Space>
                        {s.recorded ? (
                          <Tag color="green">{t("detail.session_held")}</Tag>
                        ) : (
                          <Tag color="blue">{t("detail.session_scheduled")}</Tag>
                        )}
                        {fmtDateTime(s.recorded?.held_at ?? s.scheduled?.at)}
                        {code("session_mode", s.recorded?.mode ?? s.scheduled?.mode)}
                      </Space>
                    }
                  >
                    <Descriptions.Item label={t("detail.place")}>
                      <Field>{s.recorded?.place ?? s.scheduled?.place}</Field>
                    </Descriptions.Item>
                    <Descriptions.Item label={t("detail.mediator")}>
                      <Field>{s.recorded?.mediator ?? s.scheduled?.mediator}</Field>
                    </Descriptions.Item>
                    {s.recorded && (
                      <>
                        <Descriptions.Item label={t("detail.recorder")}>
                          <Field>{s.recorded.recorder}</Field>
                        </Descriptions.Item>
                        <Descriptions.Item label={t("detail.interpreter")}>
                          <Field>
                            {s.recorded.interpreter
                              ? t("common.name_code", { name: s.recorded.interpreter, code: code("language", s.recorded.language) })
                              : ""}
                          </Field>
                        </Descriptions.Item>
                        <Descriptions.Item label={t("detail.attendees")}>
                          <Field>{s.recorded.attendees.join(t("app.list_sep"))}</Field>
                        </Descriptions.Item>
                        <Descriptions.Item label={t("detail.result")}>{code("session_result", s.recorded.result)}</Descriptions.Item>
                        <Descriptions.Item label={t("detail.record")} span={2}>
                          <Field>{s.recorded.record}</Field>
                        </Descriptions.Item>
                      </>
                    )}
                  </Descriptions>
                ))}
              </Card>
            )}
            {c.agreement && (
              <Card title={t("detail.agreement")} size="small">
                <Descriptions column={2} size="small">
                  <Descriptions.Item label={t("action.case.agreement_recorded.signed_at")}>
                    {fmtDateTime(c.agreement.signed_at)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("detail.performance_due")}>
                    <Field>{c.agreement.performance_due}</Field>
                  </Descriptions.Item>
                  <Descriptions.Item label={t("action.case.agreement_recorded.terms")} span={2}>
                    {c.agreement.terms}
                  </Descriptions.Item>
                  {c.performance_confirmed_at && (
                    <Descriptions.Item label={t("detail.performance_confirmed")}>
                      {fmtDateTime(c.performance_confirmed_at)}
                    </Descriptions.Item>
                  )}
                </Descriptions>
              </Card>
            )}
            {c.transfers.length > 0 && (
              <Card title={t("detail.transfers")} size="small">
                {c.transfers.map((x) => (
                  <Descriptions
                    key={x.transfer}
                    column={2}
                    size="small"
                    className="party-desc"
                    title={`${code("transfer_kind", x.kind)} → ${x.to_department || unitLabel(ref.data, x.to_unit, x.to_unit_name)}`}
                  >
                    <Descriptions.Item label={t("action.case.transferred.reason")}>{code("transfer_reason", x.reason)}</Descriptions.Item>
                    <Descriptions.Item label={t("action.case.transferred.due")}>
                      <Field>{x.due}</Field>
                    </Descriptions.Item>
                    <Descriptions.Item label={t("detail.feedback")} span={2}>
                      {x.feedback ? (
                        `${fmtDate(x.feedback[0])} ${x.feedback[1]}`
                      ) : (
                        <Typography.Text type="warning">{t("detail.feedback_pending")}</Typography.Text>
                      )}
                    </Descriptions.Item>
                  </Descriptions>
                ))}
              </Card>
            )}
            {(c.closure || c.not_accepted || c.termination || c.void_reason) && (
              <Card title={t("detail.closure")} size="small">
                <Descriptions column={2} size="small">
                  {c.closure && (
                    <>
                      <Descriptions.Item label={t("action.case.closed.outcome")}>{code("outcome", c.closure.outcome)}</Descriptions.Item>
                      <Descriptions.Item label={t("action.at")}>{fmtDateTime(c.closure.at)}</Descriptions.Item>
                      {c.closure.note && (
                        <Descriptions.Item label={t("action.case.closed.note")} span={2}>
                          {c.closure.note}
                        </Descriptions.Item>
                      )}
                    </>
                  )}
                  {c.not_accepted && (
                    <Descriptions.Item label={t("detail.not_accepted")} span={2}>
                      {reasonLabel(ref.data, "not_accept_reasons", c.rule_set, c.not_accepted.reason, en)} {c.not_accepted.note}
                    </Descriptions.Item>
                  )}
                  {c.termination && (
                    <Descriptions.Item label={t("detail.termination")} span={2}>
                      {reasonLabel(ref.data, "termination_reasons", c.rule_set, c.termination.reason, en)} {c.termination.note}
                    </Descriptions.Item>
                  )}
                  {c.void_reason && (
                    <Descriptions.Item label={t("detail.void_reason")} span={2}>
                      {c.void_reason}
                    </Descriptions.Item>
                  )}
                </Descriptions>
              </Card>
            )}
            {c.follow_ups.length > 0 && (
              <Card title={t("detail.follow_ups")} size="small">
                {c.follow_ups.map((f, i) => (
                  <div key={i} className="note-line">
                    <Typography.Text type="secondary">{fmtDateTime(f.at)}</Typography.Text> {code("contact_method", f.method)} ·{" "}
                    {code("satisfaction", f.satisfaction)} {f.note}
                  </div>
                ))}
              </Card>
            )}
            {c.notes.length > 0 && (
              <Card title={t("detail.notes")} size="small">
                {c.notes.map(([at, text], i) => (
                  <div key={i} className="note-line">
                    <Typography.Text type="secondary">{fmtDateTime(at)}</Typography.Text> {text}
                  </div>
                ))}
              </Card>
            )}
          </Space>
        </Col>
        <Col span={9}>
          <Space direction="vertical" size={16} style={{ width: "100%" }}>
            <DocumentsCard detail={d} />
            <EvidenceCard detail={d} />
            <Card title={t("detail.tab_timeline")} size="small" className="timeline-card">
              {c.timeline.length === 0 ? (
                <Empty description={t("detail.timeline_empty")} />
              ) : (
                <Timeline
                  data-testid="timeline"
                  items={byTimeDone(c.timeline).map((e) => ({
                    key: e.id,
                    color: e.anomaly ? "orange" : e.kind === "case.voided" ? "gray" : e.kind === "case.closed" ? "green" : "blue",
                    children: (
                      <div className="tl-item">
                        <div className="tl-text">
                          {e.anomaly && (
                            <Tooltip title={t("detail.anomaly")}>
                              <WarningOutlined className="flag warn" aria-label={t("detail.anomaly")} />{" "}
                            </Tooltip>
                          )}
                          {timelineSummary(e, t, ref.data, en, c.rule_set)}
                        </div>
                        <Typography.Text type="secondary" className="tl-meta">
                          {fmtDateTime(e.at)} · {unitLabel(ref.data, e.unit)}
                          {e.actor && d.actors[e.actor] ? ` · ${d.actors[e.actor]}` : ""}
                        </Typography.Text>
                      </div>
                    ),
                  }))}
                />
              )}
            </Card>
          </Space>
        </Col>
      </Row>
      <ActionModal kind={action} detail={d} onClose={() => setAction(null)} />
      <EditCaseModal open={editing} detail={d} onClose={() => setEditing(false)} />
    </div>
  );
}
