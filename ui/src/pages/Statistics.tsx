// 统计: the report of a unit for a period (casedesk-report: every figure defined in Rust), the
// hot spots with their alerts and draft 消费提示, and the supervision of stations. Every figure
// opens as the list of its cases (the case list understands the query Rust made for it).
import { useMemo, useState } from "react";
import type { TFunction } from "i18next";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Input,
  Modal,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { CheckCircleOutlined, CloseCircleOutlined, DownloadOutlined, MinusCircleOutlined, SendOutlined } from "@ant-design/icons";
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { api } from "../ipc/api";
import type { Alert as HotAlert, Dimension, ExportKind, Figures, ListQuery, Report, Share, StaffFigures, StationRow } from "../ipc/types";
import { categoryLabel, errorText, natureLabel, useLabels } from "../lib/labels";
import { useReference, useStation } from "../lib/queries";
import { useOpId } from "../lib/useOpId";
import { dayjs, fmtDateTime } from "../lib/time";
import PageTitle from "../components/PageTitle";
import EChart from "../components/EChart";

type Kind = "month" | "quarter" | "half" | "year" | "range";
/** What narrows the accepted cohort's query to a breakdown line. */
type Narrow = Partial<ListQuery>;

/** A period code of casedesk-report (`2026-11`, `2026-Q4`, `2026-H2`, `2026`, `a..b`). */
function periodCode(kind: Kind, day: dayjs.Dayjs, range: [string, string] | null): string {
  const y = day.year();
  switch (kind) {
    case "month":
      return day.format("YYYY-MM");
    case "quarter":
      return `${y}-Q${Math.floor(day.month() / 3) + 1}`;
    case "half":
      return `${y}-H${day.month() < 6 ? 1 : 2}`;
    case "year":
      return `${y}`;
    case "range":
      return range ? `${range[0]}..${range[1]}` : day.format("YYYY-MM-01") + ".." + day.format("YYYY-MM-DD");
  }
}

export const pct = (bp: number | null | undefined) => (bp == null ? "—" : `${(bp / 100).toFixed(2)}%`);
const pts = (bp: number | null | undefined) => (bp == null ? "—" : `${bp >= 0 ? "+" : "-"}${(Math.abs(bp) / 100).toFixed(2)}`);
const wan = (fen: number) => (Math.round(fen / 10_000) / 100).toFixed(2);

/** Opens the case list with the query behind a figure. */
export function useOpenCases() {
  const navigate = useNavigate();
  return (q: ListQuery | undefined) => {
    if (!q) return;
    void navigate(`/cases?rq=${encodeURIComponent(JSON.stringify(q))}`);
  };
}

function Figure({ label, value, q, testId }: { label: string; value: string | number; q?: ListQuery; testId?: string }) {
  const open = useOpenCases();
  const { t } = useLabels();
  return (
    <Card size="small" className={q ? "stat-card clickable" : "stat-card"} onClick={() => open(q)} data-testid={testId}>
      <Tooltip title={q ? t("stats.open_cases") : undefined}>
        <Statistic title={label} value={value} />
      </Tooltip>
    </Card>
  );
}

function ReportTab({ report, months, monthly }: { report: Report; months: string[]; monthly: (Report | undefined)[] }) {
  const { t, en } = useLabels();
  const ref = useReference().data;
  const open = useOpenCases();
  const f = report.total;
  const d = report.derived;
  const label = (code: string) =>
    code === "goods" || code === "service" || code === "other"
      ? t(`stats.subject.${code}`)
      : code.startsWith("CCA-N")
        ? natureLabel(ref, code, en)
        : categoryLabel(ref, code, en) || code;
  const shareCols = (narrow: (code: string) => Narrow) => [
    { title: t("stats.item"), dataIndex: "code", render: (c: string) => label(c), ellipsis: true },
    {
      title: t("stats.count"),
      dataIndex: "count",
      align: "right" as const,
      width: 70,
      render: (n: number, s: Share) => (
        <Button type="link" size="small" onClick={() => open({ ...report.drill.accepted, ...narrow(s.code) })}>
          {n}
        </Button>
      ),
    },
    { title: t("stats.share"), dataIndex: "share_bp", align: "right" as const, width: 84, render: pct },
    { title: t("stats.share_change"), dataIndex: "change_bp", align: "right" as const, width: 96, render: pts },
  ];
  const byCode = (code: string): Narrow =>
    code.startsWith("CCA-N")
      ? { nature: code }
      : code === "goods" || code === "service" || code === "other"
        ? { subject: code }
        : { category: code };
  const natureChart = useMemo(
    () => ({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: report.by_nature.map((s) => label(s.code)) },
      series: [{ type: "bar", barMaxWidth: 22, data: report.by_nature.map((s) => s.count), itemStyle: { color: "#1e5aa8" } }],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [report, en],
  );
  const subjectChart = useMemo(
    () => ({
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [
        {
          type: "pie",
          radius: ["40%", "68%"],
          label: { show: false },
          data: report.by_subject.filter((s) => s.count > 0).map((s) => ({ name: label(s.code), value: s.count })),
        },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [report, en],
  );
  const trendChart = useMemo(
    () => ({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value", minInterval: 1 },
      series: (["received", "accepted", "closed"] as const).map((k) => ({
        name: t(`stats.f.${k}`),
        type: "line",
        data: monthly.map((r) => (r ? r.total[k] : null)),
      })),
    }),
    [months, monthly, t],
  );
  const unitChart = useMemo(
    () => ({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: report.rows.map((r) => r.name), axisLabel: { interval: 0, width: 90, overflow: "truncate" } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: t("stats.f.accepted"), type: "bar", data: report.rows.map((r) => r.own.accepted) },
        { name: t("stats.f.closed"), type: "bar", data: report.rows.map((r) => r.own.closed) },
      ],
    }),
    [report, t],
  );
  const unitQuery = (key: keyof Figures, code: string): ListQuery | undefined => {
    const q = report.drill[key];
    if (!q) return undefined;
    return {
      ...q,
      units: q.units?.length ? [code] : [],
      receiving_units: q.receiving_units?.length ? [code] : [],
      transfer_from_units: q.transfer_from_units?.length ? [code] : [],
      transfer_to_units: q.transfer_to_units?.length ? [code] : [],
    };
  };
  const cell = (key: keyof Figures) => ({
    title: t(`stats.f.${key}`),
    align: "right" as const,
    width: 72,
    render: (_: unknown, r: Report["rows"][number]) => (
      <Button type="link" size="small" onClick={() => open(unitQuery(key, r.code))}>
        {r.own[key]}
      </Button>
    ),
  });
  const s = report.submission;
  return (
    <div className="stats-report" data-testid="stats-report">
      <Row gutter={[12, 12]}>
        <Col xs={12} sm={8} lg={6} xxl={3}>
          <Figure label={t("stats.f.received")} value={f.received} q={report.drill.received} testId="fig-received" />
        </Col>
        <Col xs={12} sm={8} lg={6} xxl={3}>
          <Figure label={t("stats.f.accepted")} value={f.accepted} q={report.drill.accepted} testId="fig-accepted" />
        </Col>
        <Col xs={12} sm={8} lg={6} xxl={3}>
          <Figure label={t("stats.f.closed")} value={f.closed} q={report.drill.closed} testId="fig-closed" />
        </Col>
        <Col xs={12} sm={8} lg={6} xxl={3}>
          <Figure label={t("stats.resolution_rate")} value={pct(d.resolution_rate_bp)} q={report.drill.resolved} testId="fig-resolution" />
        </Col>
        <Col xs={12} sm={8} lg={6} xxl={3}>
          <Figure label={t("stats.mediation_rate")} value={pct(d.mediation_rate_bp)} q={report.drill.mediated} />
        </Col>
        <Col xs={12} sm={8} lg={6} xxl={3}>
          <Figure label={t("stats.on_time_rate")} value={pct(d.on_time_rate_bp)} q={report.drill.closed_on_time} />
        </Col>
        <Col xs={12} sm={8} lg={6} xxl={3}>
          <Figure label={t("stats.recovered")} value={d.recovered_wan} q={report.drill.closed} testId="fig-recovered" />
        </Col>
        <Col xs={12} sm={8} lg={6} xxl={3}>
          <Figure label={t("stats.consultations")} value={f.consultation_people} />
        </Col>
      </Row>
      <Typography.Paragraph type="secondary" className="stats-note">
        {t("stats.more", {
          resolved: f.resolved,
          out: f.transferred_out,
          inn: f.transferred_in,
          co: f.co_handled,
          dept: f.to_department,
          not: f.not_accepted,
          reports: f.received_reports,
          doubled: f.doubled_cases,
          doubled_wan: d.doubled_wan,
        })}
      </Typography.Paragraph>
      {s ? (
        <Alert
          type={s.adjustments.length ? "warning" : "success"}
          showIcon
          className="stats-submission"
          data-testid="stats-submitted"
          message={t("stats.submitted_at", { at: fmtDateTime(s.at) })}
          description={
            s.adjustments.length ? (
              <Table
                size="small"
                pagination={false}
                rowKey="key"
                dataSource={s.adjustments}
                columns={[
                  { title: t("stats.item"), dataIndex: "key", render: (k: string) => t(`stats.f.${k}`) },
                  {
                    title: t("stats.submitted"),
                    dataIndex: "submitted",
                    align: "right",
                    render: (v: number, a) => (a.key.endsWith("_fen") ? wan(v) : v),
                  },
                  {
                    title: t("stats.now"),
                    dataIndex: "now",
                    align: "right",
                    render: (v: number, a) => (a.key.endsWith("_fen") ? wan(v) : v),
                  },
                  {
                    title: t("stats.adjustment"),
                    dataIndex: "delta",
                    align: "right",
                    render: (v: number, a) => (a.key.endsWith("_fen") ? wan(v) : v > 0 ? `+${v}` : v),
                  },
                ]}
              />
            ) : (
              t("stats.no_adjustment")
            )
          }
        />
      ) : null}
      {report.rows.length > 1 && (
        <Card size="small" title={t("stats.units")} className="stats-card">
          <Table
            size="small"
            pagination={false}
            rowKey="code"
            scroll={{ x: 900 }}
            dataSource={report.rows}
            columns={[
              {
                title: t("stats.unit"),
                dataIndex: "name",
                fixed: "left",
                width: 220,
                render: (n: string, r) => (
                  <span style={{ paddingLeft: r.depth * 14 }}>
                    {n} {r.submitted_at ? <Tag color="green">{t("stats.submitted_tag")}</Tag> : <Tag>{t("stats.not_submitted")}</Tag>}
                  </span>
                ),
              },
              cell("received"),
              cell("transferred_out"),
              cell("co_handled"),
              cell("accepted"),
              cell("closed"),
              { title: t("stats.resolution_rate"), align: "right", width: 90, render: (_, r) => pct(r.own_derived.resolution_rate_bp) },
              { title: t("stats.mediation_rate"), align: "right", width: 96, render: (_, r) => pct(r.own_derived.mediation_rate_bp) },
              { title: t("stats.recovered"), align: "right", width: 110, render: (_, r) => r.own_derived.recovered_wan },
            ]}
          />
          <EChart option={unitChart} height={220} ariaLabel={t("stats.units")} />
        </Card>
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t("stats.trend")} className="stats-card">
            <EChart option={trendChart} height={240} ariaLabel={t("stats.trend")} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={t("stats.comparisons", { yb: report.year_before.code, prev: report.previous.code })}
            className="stats-card"
          >
            <Table
              size="small"
              pagination={false}
              rowKey="key"
              dataSource={report.changes}
              columns={[
                { title: t("stats.item"), dataIndex: "key", render: (k: string) => t(`stats.c.${k}`) },
                {
                  title: t("stats.now"),
                  dataIndex: "now",
                  align: "right",
                  render: (v: number | null, c) => (c.rate ? pct(v) : c.key.endsWith("_fen") ? wan(v ?? 0) : v),
                },
                {
                  title: t("stats.yoy"),
                  dataIndex: "yoy_bp",
                  align: "right",
                  render: (v: number | null, c) => (c.rate ? t("stats.points", { v: pts(v) }) : v == null ? "—" : `${pts(v)}%`),
                },
                {
                  title: t("stats.mom"),
                  dataIndex: "mom_bp",
                  align: "right",
                  render: (v: number | null, c) => (c.rate ? t("stats.points", { v: pts(v) }) : v == null ? "—" : `${pts(v)}%`),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t("stats.by_nature")} className="stats-card">
            {report.by_nature.length ? <EChart option={natureChart} height={240} ariaLabel={t("stats.by_nature")} /> : <Empty />}
            <Table size="small" pagination={false} rowKey="code" dataSource={report.by_nature} columns={shareCols(byCode)} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t("stats.by_subject")} className="stats-card">
            <EChart option={subjectChart} height={220} ariaLabel={t("stats.by_subject")} />
            <Table
              size="small"
              pagination={false}
              rowKey="code"
              dataSource={[...report.by_subject, ...report.by_category]}
              columns={shareCols(byCode)}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t("stats.top_goods")} className="stats-card">
            <Table size="small" pagination={false} rowKey="code" dataSource={report.top_goods} columns={shareCols(byCode)} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t("stats.top_services")} className="stats-card">
            <Table size="small" pagination={false} rowKey="code" dataSource={report.top_services} columns={shareCols(byCode)} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}

function HotSpotsTab({ unit }: { unit: string | null }) {
  const { t } = useLabels();
  const open = useOpenCases();
  const [weeks, setWeeks] = useState(12);
  const [dim, setDim] = useState<Dimension>("category");
  const [draft, setDraft] = useState<{ alert: HotAlert; text: string } | null>(null);
  const { message } = AntApp.useApp();
  const q = useQuery({ queryKey: ["hotspots", unit, weeks], queryFn: () => api.hotspots({ unit, weeks }) });
  const chart = useMemo(() => {
    const h = q.data;
    if (!h) return null;
    const series = h.series.filter((s) => s.dimension === dim);
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: h.weeks.map((w) => w.slice(5)) },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map((s) => ({ name: s.label, type: "line", data: s.counts })),
    };
  }, [q.data, dim]);
  if (q.isError) return <Alert type="error" showIcon message={errorText(q.error)} />;
  if (!q.data || !chart) return <Skeleton active />;
  const h = q.data;
  const p = h.params;
  return (
    <div data-testid="stats-hotspots">
      <Space wrap className="stats-toolbar">
        <Select
          value={weeks}
          onChange={setWeeks}
          style={{ width: 120 }}
          aria-label={t("stats.weeks_label")}
          options={[8, 12, 26, 52].map((w) => ({ value: w, label: t("stats.weeks", { n: w }) }))}
        />
        <Segmented<Dimension>
          value={dim}
          onChange={setDim}
          options={(["category", "nature", "respondent", "place"] as Dimension[]).map((d) => ({ value: d, label: t(`stats.dim.${d}`) }))}
        />
      </Space>
      <Card size="small" title={t("stats.weekly")} className="stats-card">
        <EChart option={chart} height={260} ariaLabel={t("stats.weekly")} />
      </Card>
      <Card size="small" title={t("stats.alerts", { n: h.alerts.length })} className="stats-card">
        <Typography.Paragraph type="secondary" className="stats-note">
          {t("stats.method", {
            b: p.baseline_weeks,
            g: p.guard_weeks,
            k: p.threshold,
            s: p.sigma_floor,
            m: p.min_count,
            r: p.respondent_min,
            d: p.respondent_days,
          })}
        </Typography.Paragraph>
        <Table
          size="small"
          rowKey="id"
          dataSource={h.alerts}
          pagination={{ pageSize: 8, hideOnSinglePage: true }}
          locale={{ emptyText: t("stats.no_alerts") }}
          columns={[
            { title: t("stats.week"), width: 108, render: (_, a) => `${a.from.slice(5)} – ${a.to.slice(5)}` },
            { title: t("stats.dimension"), width: 76, dataIndex: "dimension", render: (d: Dimension) => t(`stats.dim.${d}`) },
            { title: t("stats.what"), dataIndex: "label", ellipsis: { showTitle: true } },
            { title: t("stats.count"), dataIndex: "count", width: 56, align: "right" },
            { title: t("stats.expected"), dataIndex: "expected", width: 80, align: "right" },
            { title: t("stats.rule"), dataIndex: "rule", width: 100, render: (r: string) => t(`stats.rules.${r}`) },
            {
              title: "",
              width: 124,
              render: (_, a) => (
                <Space size={0} direction="vertical" align="start">
                  <Button type="link" size="small" onClick={() => open(a.cases)}>
                    {t("stats.open_cases")}
                  </Button>
                  <Button type="link" size="small" onClick={() => setDraft({ alert: a, text: a.draft })} data-testid="draft-warning">
                    {t("stats.draft")}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={!!draft}
        title={t("stats.draft_title")}
        onCancel={() => setDraft(null)}
        okText={t("stats.save_draft")}
        onOk={() => {
          if (!draft) return;
          void api.draftSave(`warning:${draft.alert.id}`, JSON.stringify({ text: draft.text })).then(() => {
            void message.success(t("stats.draft_saved"));
            setDraft(null);
          });
        }}
        width={640}
      >
        <Input.TextArea
          value={draft?.text}
          onChange={(e) => draft && setDraft({ ...draft, text: e.target.value })}
          autoSize={{ minRows: 10, maxRows: 18 }}
          data-testid="draft-text"
        />
      </Modal>
    </div>
  );
}

function SupervisionTab({ unit, period, onExport }: { unit: string | null; period: string; onExport: (k: ExportKind) => void }) {
  const { t } = useLabels();
  const q = useQuery({ queryKey: ["supervision", unit, period], queryFn: () => api.supervision({ unit, period }) });
  if (q.isError) return <Alert type="error" showIcon message={errorText(q.error)} />;
  if (!q.data) return <Skeleton active />;
  const mark = (met: boolean | null) =>
    met === null ? (
      <MinusCircleOutlined style={{ color: "#999" }} />
    ) : met ? (
      <CheckCircleOutlined style={{ color: "#389e0d" }} />
    ) : (
      <CloseCircleOutlined style={{ color: "#cf1322" }} />
    );
  return (
    <div data-testid="stats-supervision">
      <Space wrap className="stats-toolbar">
        <Button icon={<DownloadOutlined />} onClick={() => onExport("remuneration_xlsx")}>
          {t("stats.export_handled_xlsx")}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => onExport("remuneration_csv")}>
          {t("stats.export_handled_csv")}
        </Button>
      </Space>
      <Table
        size="small"
        rowKey="code"
        pagination={false}
        scroll={{ x: 1000 }}
        dataSource={q.data.rows}
        columns={[
          {
            title: t("stats.unit"),
            dataIndex: "name",
            fixed: "left",
            width: 200,
            render: (n: string, r: StationRow) => <span style={{ paddingLeft: r.depth * 14 }}>{n}</span>,
          },
          { title: t("stats.open"), dataIndex: "open", width: 64, align: "right" },
          { title: t("stats.f.accepted"), width: 64, align: "right", render: (_, r) => r.figures.accepted },
          { title: t("stats.handled"), dataIndex: "handled", width: 72, align: "right" },
          { title: t("stats.on_time_rate"), width: 92, align: "right", render: (_, r) => pct(r.derived.on_time_rate_bp) },
          { title: t("stats.mediation_rate"), width: 96, align: "right", render: (_, r) => pct(r.derived.mediation_rate_bp) },
          { title: t("stats.satisfaction"), width: 96, align: "right", render: (_, r) => pct(r.satisfaction_rate_bp) },
          { title: t("stats.overdue"), dataIndex: "overdue", width: 64, align: "right" },
          { title: t("stats.days_since"), width: 96, align: "right", render: (_, r) => r.days_since_activity ?? "—" },
          {
            title: t("stats.checklist"),
            width: 220,
            render: (_, r) => (
              <Space size={4} wrap>
                {r.checklist.map((c) => (
                  <Tooltip key={c.code} title={t(`stats.crit.${c.code}`)}>
                    {mark(c.met)}
                  </Tooltip>
                ))}
                {r.meets_criteria && <Tag color="gold">{t("stats.demonstration")}</Tag>}
              </Space>
            ),
          },
        ]}
      />
      <Typography.Paragraph type="secondary" className="stats-note">
        {t("stats.criteria")}
      </Typography.Paragraph>
      <Typography.Title level={5} className="stats-subtitle">
        {t("stats.staff.title")}
      </Typography.Title>
      <Table
        size="small"
        data-testid="stats-staff"
        rowKey={(r: StaffFigures) => `${r.staff ?? ""}|${r.unit ?? ""}|${r.name}`}
        pagination={false}
        scroll={{ x: 960 }}
        dataSource={q.data.staff}
        columns={[
          {
            title: t("stats.staff.member"),
            fixed: "left",
            width: 150,
            render: (_, r: StaffFigures) => staffLabel(r, t),
          },
          { title: t("stats.unit"), width: 80, render: (_, r: StaffFigures) => r.unit ?? "—" },
          { title: t("stats.staff.registered"), dataIndex: "registered", width: 60, align: "right" },
          { title: t("stats.f.accepted"), dataIndex: "accepted", width: 56, align: "right" },
          { title: t("stats.f.not_accepted"), dataIndex: "not_accepted", width: 72, align: "right" },
          { title: t("stats.staff.sessions"), dataIndex: "sessions", width: 64, align: "right" },
          { title: t("stats.f.closed"), dataIndex: "closed", width: 56, align: "right" },
          { title: t("stats.on_time_rate"), width: 88, align: "right", render: (_, r: StaffFigures) => pct(r.on_time_rate_bp) },
          { title: t("stats.mediation_rate"), width: 88, align: "right", render: (_, r: StaffFigures) => pct(r.mediation_rate_bp) },
          { title: t("stats.staff.followed_up"), dataIndex: "followed_up", width: 56, align: "right" },
          { title: t("stats.satisfaction"), width: 88, align: "right", render: (_, r: StaffFigures) => pct(r.satisfaction_rate_bp) },
          { title: t("stats.overdue"), dataIndex: "overdue", width: 56, align: "right" },
          { title: t("stats.staff.consultations"), dataIndex: "consultation_people", width: 72, align: "right" },
        ]}
      />
      <Typography.Paragraph type="secondary" className="stats-note">
        {t("stats.staff.rules")}
      </Typography.Paragraph>
    </div>
  );
}

/** The name shown for a staff row (casedesk-report's `xlsx::staff_label`). */
function staffLabel(r: StaffFigures, t: TFunction): string {
  if (r.staff === null) return r.name ? t("stats.staff.outside", { name: r.name }) : t("stats.staff.nobody");
  return r.inactive ? t("stats.staff.inactive", { name: r.name }) : r.name;
}

export default function Statistics() {
  const { t } = useLabels();
  const station = useStation().data;
  const ref = useReference().data;
  const qc = useQueryClient();
  const { message, modal } = AntApp.useApp();
  const [kind, setKind] = useState<Kind>("month");
  const [day, setDay] = useState(() => dayjs());
  const [range, setRange] = useState<[string, string] | null>(null);
  const [unit, setUnit] = useState<string | null>(null);
  const [tab, setTab] = useState("report");
  const opId = useOpId();
  const period = periodCode(kind, day, range);
  const own = station?.unit ?? "";
  // The units this desktop reports on: its own and every unit below it.
  const units = useMemo(() => {
    const all = ref?.units ?? [];
    const out: { value: string; label: string }[] = [];
    const walk = (code: string, depth: number) => {
      const u = all.find((x) => x.code === code);
      if (!u || out.some((o) => o.value === code)) return;
      out.push({ value: code, label: `${"\u3000".repeat(depth)}${u.name}` });
      for (const c of all.filter((x) => x.parent === code).sort((a, b) => a.code.localeCompare(b.code))) walk(c.code, depth + 1);
    };
    walk(own, 0);
    return out;
  }, [ref, own]);
  const report = useQuery({ queryKey: ["report", unit, period], queryFn: () => api.report({ unit, period }) });
  // The twelve months up to the period's end, for the trend.
  const end = kind === "range" && range ? dayjs(range[1]) : periodEnd(kind, day);
  const months = Array.from({ length: 12 }, (_, i) => end.subtract(11 - i, "month").format("YYYY-MM"));
  const monthly = useQueries({
    queries: months.map((m) => ({ queryKey: ["report", unit, m], queryFn: () => api.report({ unit, period: m }), staleTime: 60_000 })),
  });
  const monthlyData = monthly.map((m) => m.data);
  const submit = useMutation({
    mutationFn: () => api.reportSubmit({ op_id: opId.get({ period }), period, note: "" }),
    onSuccess: (r) => {
      opId.reset();
      qc.setQueryData(["report", unit, period], r);
      void qc.invalidateQueries({ queryKey: ["report"] });
      void message.success(t("stats.submit_done", { period: r.period.code }));
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const exportFile = (k: ExportKind) =>
    void api
      .reportExport({ unit, period, kind: k })
      .then((path) => void message.success(t("stats.exported", { path })))
      .catch((e: unknown) => void message.error(errorText(e)));
  const pickers: Record<Kind, "month" | "quarter" | "year"> = {
    month: "month",
    quarter: "quarter",
    half: "month",
    year: "year",
    range: "month",
  };
  return (
    <div className="page statistics" data-testid="statistics">
      <PageTitle
        title={t("stats.title")}
        sub={report.data ? `${report.data.unit_name} · ${report.data.period.from} – ${report.data.period.to}` : undefined}
        extra={
          <Space wrap>
            <Button icon={<DownloadOutlined />} onClick={() => exportFile("report")} data-testid="export-report">
              {t("stats.export_xlsx")}
            </Button>
            <Button icon={<DownloadOutlined />} onClick={() => exportFile("report_pdf")} data-testid="export-report-pdf">
              {t("stats.export_pdf")}
            </Button>
            {(unit ?? own) === own && (
              <Button
                type="primary"
                icon={<SendOutlined />}
                loading={submit.isPending}
                data-testid="submit-report"
                onClick={() => {
                  void modal.confirm({
                    title: t("stats.submit_confirm", { period }),
                    content: t("stats.submit_hint"),
                    onOk: () => submit.mutate(),
                  });
                }}
              >
                {t("stats.submit")}
              </Button>
            )}
          </Space>
        }
      />
      <Space wrap className="stats-toolbar">
        <Select<Kind>
          value={kind}
          onChange={setKind}
          style={{ width: 110 }}
          aria-label={t("stats.period_kind")}
          data-testid="period-kind"
          options={(["month", "quarter", "half", "year", "range"] as Kind[]).map((k) => ({ value: k, label: t(`stats.kind.${k}`) }))}
        />
        {kind === "range" ? (
          <DatePicker.RangePicker
            value={range ? [dayjs(range[0]), dayjs(range[1])] : null}
            onChange={(v) => setRange(v && v[0] && v[1] ? [v[0].format("YYYY-MM-DD"), v[1].format("YYYY-MM-DD")] : null)}
            aria-label={t("stats.period")}
          />
        ) : (
          <DatePicker
            picker={pickers[kind]}
            value={day}
            allowClear={false}
            onChange={(v) => v && setDay(v)}
            aria-label={t("stats.period")}
          />
        )}
        {kind === "half" && (
          <Segmented
            value={day.month() < 6 ? "H1" : "H2"}
            onChange={(v) => setDay(day.month(v === "H1" ? 0 : 6))}
            options={[
              { value: "H1", label: t("stats.h1") },
              { value: "H2", label: t("stats.h2") },
            ]}
          />
        )}
        <Select
          value={unit ?? own}
          onChange={(v) => setUnit(v === own ? null : v)}
          options={units}
          style={{ width: 260 }}
          aria-label={t("stats.unit")}
          data-testid="unit-picker"
          popupMatchSelectWidth={false}
        />
        <Typography.Text type="secondary" data-testid="period-code">
          {period}
        </Typography.Text>
      </Space>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: "report",
            label: t("stats.tab_report"),
            children: report.isError ? (
              <Alert type="error" showIcon message={errorText(report.error)} />
            ) : report.data ? (
              <ReportTab report={report.data} months={months} monthly={monthlyData} />
            ) : (
              <Skeleton active />
            ),
          },
          { key: "hotspots", label: t("stats.tab_hotspots"), children: tab === "hotspots" ? <HotSpotsTab unit={unit} /> : null },
          {
            key: "supervision",
            label: t("stats.tab_supervision"),
            children: tab === "supervision" ? <SupervisionTab unit={unit} period={period} onExport={exportFile} /> : null,
          },
        ]}
      />
    </div>
  );
}

function periodEnd(kind: Kind, day: dayjs.Dayjs): dayjs.Dayjs {
  switch (kind) {
    case "quarter":
      return day.month(Math.floor(day.month() / 3) * 3 + 2);
    case "half":
      return day.month(day.month() < 6 ? 5 : 11);
    case "year":
      return day.month(11);
    default:
      return day;
  }
}
