import { useRef, useState } from "react";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Result,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
  type InputRef,
  Tooltip,
} from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import type { Dayjs } from "dayjs";
import { api, IpcError } from "../ipc/api";
import type { CaseRef, RovingSummary } from "../ipc/types";
import { qk, useRoving, useStaff } from "../lib/queries";
import { codeOptions, errorText, issueMessage, useLabels } from "../lib/labels";
import { intakeNamePath, toRegistration, emptyIntake, type IntakeValues } from "../lib/intake";
import { dayjs, pickerToDate } from "../lib/time";
import { useOpId } from "../lib/useOpId";
import { CategorySelect, NatureSelect, RespondentNameInput } from "../components/Pickers";
import PageTitle from "../components/PageTitle";
import { amountRule, phoneRule, submitKeys } from "./Intake";
import { messageText } from "../lib/messages";

interface QuickValues {
  name?: string;
  phone?: string;
  village?: string;
  language?: "zh" | "bo" | "mn" | "other";
  respondent?: string;
  kind?: string;
  category?: string;
  nature?: string;
  content?: string;
  requests?: string[];
  claim?: string;
}

const QUICK_REQUESTS = ["refund", "return", "replace", "repair", "compensation", "make_up_quantity"];

function QuickIntake({ session, onSaved }: { session: RovingSummary; onSaved: (r: CaseRef) => void }) {
  const { t, code } = useLabels();
  const [form] = Form.useForm<QuickValues>();
  const op = useOpId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const first = useRef<InputRef>(null);
  const { message } = AntApp.useApp();

  const save = async () => {
    let v: QuickValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const base = emptyIntake();
    const values: IntakeValues = {
      ...base,
      channel: "roving",
      received_at: dayjs().second(0).millisecond(0),
      complainants: [
        { ...base.complainants[0], name: v.name, phones: v.phone ? [v.phone] : [], village: v.village, language: v.language ?? "zh" },
      ],
      respondents: [{ name: v.respondent, kind: (v.kind as never) ?? "individual" }],
      category: v.category,
      nature: v.nature,
      facts: { content: v.content },
      requests: (v.requests ?? []) as never,
      claim: v.claim,
    };
    let reg;
    try {
      reg = toRegistration(values, { roving_session: session.id });
    } catch {
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const r = await api.registerCase(op.get(reg), reg);
      op.reset();
      void message.success(t("roving.saved_case", { no: r.no }));
      onSaved(r);
      form.resetFields();
      first.current?.focus();
    } catch (e) {
      if (e instanceof IpcError && e.issues.length) {
        const map: Record<string, string> = {
          "complainants[0].name": "name",
          "complainants[0].phones": "phone",
          "complainants[0].phones[0]": "phone",
          "complainants[0].address": "village",
          "respondents[0].name": "respondent",
          respondents: "respondent",
          category: "category",
          nature: "nature",
          "facts.content": "content",
          requests: "requests",
          claim: "claim",
        };
        const rest: string[] = [];
        const fields: { name: never; errors: string[] }[] = [];
        for (const i of e.issues) {
          const n = map[i.path] ?? (intakeNamePath(i.path)?.join(".") === "claim" ? "claim" : undefined);
          if (n) fields.push({ name: n as never, errors: [issueMessage(i)] });
          else rest.push(issueMessage(i));
        }
        form.setFields(fields);
        if (rest.length) setProblem(rest.join(" "));
      } else setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t("roving.quick_form")} extra={<Typography.Text type="secondary">{t("common.shortcut_submit")}</Typography.Text>}>
      <Typography.Paragraph type="secondary">{t("roving.quick_hint")}</Typography.Paragraph>
      <div onKeyDown={(e) => submitKeys(e, () => void save())}>
        <Form form={form} layout="vertical" name="roving" initialValues={{ language: "zh", kind: "individual", requests: [] }}>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item
                name="name"
                label={t("intake.name")}
                rules={[{ required: true, whitespace: true, message: messageText("required") }]}
              >
                <Input ref={first} autoFocus />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="phone" label={t("intake.phones")} rules={[phoneRule(t)]}>
                <Input placeholder={t("intake.phone_ph")} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="language" label={t("intake.language")}>
                <Select options={codeOptions("language")} />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item
                name="village"
                label={t("intake.village")}
                rules={[{ required: true, whitespace: true, message: messageText("required") }]}
              >
                <Input />
              </Form.Item>
            </Col>
            <Col span={16}>
              <Form.Item
                name="respondent"
                label={t("intake.section_respondents")}
                rules={[{ required: true, whitespace: true, message: messageText("required") }]}
              >
                <RespondentNameInput
                  placeholder={t("intake.resp_name_ph")}
                  onPick={(h) => form.setFieldsValue({ respondent: h.name, kind: h.kind })}
                />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="kind" label={t("intake.resp_kind")}>
                <Select options={codeOptions("respondent_kind")} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="category" label={t("intake.category")} rules={[{ required: true, message: messageText("required") }]}>
                <CategorySelect />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="nature" label={t("intake.nature")} rules={[{ required: true, message: messageText("required") }]}>
                <NatureSelect />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item
                name="content"
                label={t("intake.content")}
                rules={[{ required: true, whitespace: true, message: messageText("required") }]}
              >
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} />
              </Form.Item>
            </Col>
            <Col span={16}>
              <Form.Item
                name="requests"
                label={t("intake.requests")}
                rules={[{ required: true, type: "array", min: 1, message: messageText("required") }]}
              >
                <Checkbox.Group options={QUICK_REQUESTS.map((r) => ({ value: r, label: code("request_kind", r) }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="claim" label={t("intake.claim")} rules={[amountRule(t)]}>
                <Input suffix={t("common.yuan")} inputMode="decimal" />
              </Form.Item>
            </Col>
          </Row>
          {problem && <Alert type="error" showIcon message={problem} style={{ marginBottom: 12 }} />}
          <Button type="primary" size="large" icon={<PlusOutlined />} loading={busy} onClick={() => void save()} data-testid="roving-save">
            {t("roving.save_next")}
          </Button>
        </Form>
      </div>
    </Card>
  );
}

function Consultations({ session }: { session: RovingSummary }) {
  const { t } = useLabels();
  const [people, setPeople] = useState<number>(1);
  const [topic, setTopic] = useState("");
  const [busy, setBusy] = useState(false);
  // The problems the core found, each shown under its field (the topic is required).
  const [issues, setIssues] = useState<Record<string, string>>({});
  const topicRef = useRef<InputRef>(null);
  const qc = useQueryClient();
  const op = useOpId();
  const { message } = AntApp.useApp();
  const topics = ["topic_feed", "topic_return", "topic_phone", "topic_price", "topic_food"].map((k) => t(`roving.${k}`));
  const add = async () => {
    setBusy(true);
    setIssues({});
    const req = { topic: topic.trim(), people, channel: "roving" as const, roving_session: session.id };
    try {
      await api.recordConsultation({ ...req, op_id: op.get(req) });
      op.reset();
      void message.success(t("roving.consult_saved", { count: people }));
      setTopic("");
      setPeople(1);
      void qc.invalidateQueries({ queryKey: qk.roving });
    } catch (e) {
      if (e instanceof IpcError && e.issues.length) {
        const byPath: Record<string, string> = {};
        for (const i of e.issues) byPath[i.path === "people" ? "people" : i.path === "topic" ? "topic" : "other"] = issueMessage(i);
        setIssues(byPath);
        if (byPath.topic) topicRef.current?.focus();
        if (byPath.other) void message.error(byPath.other);
      } else void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t("roving.consult")}>
      <Form layout="vertical" requiredMark component={false}>
        <Form.Item
          label={t("roving.consult_people")}
          required
          validateStatus={issues.people ? "error" : undefined}
          help={issues.people}
          className="consult-people"
        >
          <InputNumber
            min={1}
            max={1000}
            value={people}
            onChange={(v) => setPeople(v ?? 1)}
            size="large"
            style={{ width: 120 }}
            aria-label={t("roving.consult_people")}
          />
        </Form.Item>
        <Form.Item label={t("roving.consult_topic")} required validateStatus={issues.topic ? "error" : undefined} help={issues.topic}>
          <Input
            ref={topicRef}
            value={topic}
            onChange={(e) => setTopic(e.target.value)}
            placeholder={t("roving.consult_topic_ph")}
            aria-label={t("roving.consult_topic")}
            data-testid="consult-topic"
          />
        </Form.Item>
        <div className="block-gap">
          <Typography.Text type="secondary">{t("roving.topics")}: </Typography.Text>
          <Space wrap size={[6, 6]}>
            {topics.map((x) => (
              <Tag.CheckableTag key={x} checked={topic === x} onChange={() => setTopic(x)}>
                {x}
              </Tag.CheckableTag>
            ))}
          </Space>
        </div>
        <Button type="primary" block size="large" loading={busy} onClick={() => void add()} data-testid="consult-add">
          {t("roving.consult_add")}
        </Button>
      </Form>
    </Card>
  );
}

export default function Roving() {
  const { t } = useLabels();
  const roving = useRoving();
  const staff = useStaff();
  const qc = useQueryClient();
  const op = useOpId();
  const endOp = useOpId();
  const [form] = Form.useForm<{ date: Dayjs; place: string; team: string[] }>();
  const [ended, setEnded] = useState<RovingSummary | null>(null);
  const [saved, setSaved] = useState<CaseRef[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = roving.data?.find((r) => r.ended_at === null) ?? null;

  const start = async () => {
    let v;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const req = { date: pickerToDate(v.date) ?? "", place: v.place.trim(), team: v.team ?? [] };
    setBusy(true);
    setError(null);
    try {
      await api.rovingStart({ ...req, op_id: op.get(req) });
      op.reset();
      setEnded(null);
      setSaved([]);
      await qc.invalidateQueries({ queryKey: qk.roving });
    } catch (e) {
      if (e instanceof IpcError) form.setFields(e.issues.map((i) => ({ name: i.path as never, errors: [issueMessage(i)] })));
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const end = async () => {
    if (!current) return;
    try {
      const s = await api.rovingEnd({ op_id: endOp.get(current.id), id: current.id });
      endOp.reset();
      setEnded(s);
      await qc.invalidateQueries({ queryKey: qk.roving });
    } catch (e) {
      setError(errorText(e));
    }
  };

  const history = (roving.data ?? []).filter((r) => r.ended_at !== null);

  return (
    <div className="page roving" data-testid="roving">
      <PageTitle title={t("roving.title")} sub={t("roving.intro")} />
      {error && <Alert type="error" showIcon message={error} className="block-gap" />}
      {ended && !current && (
        <Card className="block-gap">
          <Result
            status="success"
            title={t("roving.summary")}
            subTitle={`${ended.date} · ${ended.place}`}
            extra={
              <Row gutter={48} justify="center" data-testid="roving-summary">
                <Col>
                  <Statistic title={t("roving.complaints")} value={ended.complaints} />
                </Col>
                <Col>
                  <Statistic title={t("roving.consultations")} value={ended.consultations} />
                </Col>
                <Col>
                  <Statistic title={<Tooltip title={t("roving.people_help")}>{t("roving.people")}</Tooltip>} value={ended.people} />
                </Col>
              </Row>
            }
          />
        </Card>
      )}
      {current ? (
        <>
          <Card className="block-gap session-head" data-testid="roving-current">
            <Row align="middle" gutter={24}>
              <Col flex="auto">
                <Space direction="vertical" size={2}>
                  <Space>
                    <Tag color="processing">{t("roving.in_progress")}</Tag>
                    <Typography.Title level={4} style={{ margin: 0 }}>
                      {current.place}
                    </Typography.Title>
                  </Space>
                  <Typography.Text type="secondary">
                    {current.date} · {t("app.labeled", { label: t("roving.team"), value: current.team.join(t("app.list_sep")) || "—" })}
                  </Typography.Text>
                </Space>
              </Col>
              <Col>
                <Statistic title={t("roving.complaints")} value={current.complaints} />
              </Col>
              <Col>
                <Statistic title={t("roving.consultations")} value={current.consultations} />
              </Col>
              <Col>
                <Statistic title={<Tooltip title={t("roving.people_help")}>{t("roving.people")}</Tooltip>} value={current.people} />
              </Col>
              <Col>
                <Popconfirm title={t("roving.end_confirm")} onConfirm={() => void end()}>
                  <Button danger data-testid="roving-end">
                    {t("roving.end")}
                  </Button>
                </Popconfirm>
              </Col>
            </Row>
          </Card>
          <Row gutter={16}>
            <Col span={15}>
              <QuickIntake
                session={current}
                onSaved={(r) => {
                  setSaved((s) => [r, ...s]);
                  void qc.invalidateQueries({ queryKey: qk.roving });
                }}
              />
            </Col>
            <Col span={9}>
              <Consultations session={current} />
              {saved.length > 0 && (
                <Card title={t("roving.complaints")} size="small" style={{ marginTop: 16 }}>
                  {saved.map((r) => (
                    <div key={r.id} className="note-line">
                      <Link to={`/cases/${r.id}`}>{r.no}</Link>
                    </div>
                  ))}
                </Card>
              )}
            </Col>
          </Row>
        </>
      ) : (
        <Card title={ended ? t("roving.new_session") : t("roving.start")} className="block-gap">
          <Form form={form} layout="vertical" initialValues={{ date: dayjs(), team: [] }} name="roving_start">
            <Row gutter={16}>
              <Col span={5}>
                <Form.Item name="date" label={t("roving.date")} rules={[{ required: true, message: messageText("required") }]}>
                  <DatePicker style={{ width: "100%" }} allowClear={false} />
                </Form.Item>
              </Col>
              <Col span={9}>
                <Form.Item
                  name="place"
                  label={t("roving.place")}
                  rules={[{ required: true, whitespace: true, message: messageText("required") }]}
                >
                  <Input placeholder={t("roving.place_ph")} />
                </Form.Item>
              </Col>
              <Col span={10}>
                <Form.Item name="team" label={t("roving.team")}>
                  <Select
                    mode="multiple"
                    options={(staff.data ?? []).filter((s) => s.active).map((s) => ({ value: s.name, label: s.name }))}
                  />
                </Form.Item>
              </Col>
            </Row>
            <Button type="primary" size="large" loading={busy} onClick={() => void start()} data-testid="roving-start">
              {t("roving.start")}
            </Button>
          </Form>
        </Card>
      )}
      <Card title={t("roving.history")} className="block-gap">
        {history.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("roving.history_empty")} />
        ) : (
          <Table
            rowKey="id"
            size="middle"
            pagination={false}
            dataSource={history}
            columns={[
              { title: t("roving.col_date"), dataIndex: "date", width: 130 },
              { title: t("roving.col_place"), dataIndex: "place" },
              { title: t("roving.col_team"), dataIndex: "team", render: (v: string[]) => v.join(t("app.list_sep")) },
              {
                title: t("roving.col_counts"),
                key: "n",
                width: 240,
                render: (_: unknown, r: RovingSummary) => `${r.complaints} / ${r.consultations} / ${r.people}`,
              },
              { title: t("roving.col_state"), key: "s", width: 110, render: () => <Tag>{t("roving.ended")}</Tag> },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
