import { useMemo, type ReactNode } from "react";
import { Alert, Badge, Button, Card, Col, Empty, List, Row, Skeleton, Space, Statistic, Tooltip, Typography } from "antd";
import { PlusOutlined, QuestionCircleOutlined } from "@ant-design/icons";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import type { CaseRow, Dashboard as DashboardData } from "../ipc/types";
import { useDashboard, useReference } from "../lib/queries";
import { complainantText, errorText, natureLabel, respondentsText, useLabels } from "../lib/labels";
import { formatYuan } from "../lib/money";
import { dayjs, fmtDateTime } from "../lib/time";
import PageTitle from "../components/PageTitle";
import StatusTag from "../components/StatusTag";
import DeadlineText from "../components/DeadlineText";
import EChart from "../components/EChart";
import { SyncDetails } from "../components/SyncBadge";

const MAX_ITEMS = 6;

function CaseItems({ rows, empty, onOpen }: { rows: CaseRow[]; empty: string; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  if (rows.length === 0) return <div className="todo-empty">{empty}</div>;
  return (
    <List
      size="small"
      dataSource={rows.slice(0, MAX_ITEMS)}
      renderItem={(r) => (
        <List.Item
          className="todo-item"
          onClick={() => onOpen(r.id)}
          onKeyDown={(e) => e.key === "Enter" && onOpen(r.id)}
          tabIndex={0}
          role="link"
          data-testid="todo-item"
        >
          <div className="todo-main">
            <Space size={8}>
              <Typography.Text strong className="case-no">
                {r.no}
              </Typography.Text>
              <StatusTag status={r.status} />
            </Space>
            <Typography.Text type="secondary" ellipsis className="todo-parties">
              {(complainantText(r) || t("list.anonymous")) + " → " + (respondentsText(r) || "—")}
            </Typography.Text>
          </div>
          <div className="todo-deadline">
            <DeadlineText d={r.deadline} showKind />
          </div>
        </List.Item>
      )}
    />
  );
}

function TodoCard({
  title,
  count,
  color,
  children,
  more,
  testId,
}: {
  title: string;
  count: number;
  color: string;
  children: ReactNode;
  more?: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Card
      size="small"
      className="todo-card"
      data-testid={testId}
      title={
        <Space>
          <span>{title}</span>
          <Badge count={count} showZero color={count ? color : "#bfbfbf"} overflowCount={999} />
        </Space>
      }
      extra={
        more && count > MAX_ITEMS ? (
          <Button type="link" size="small" onClick={more}>
            {t("dashboard.show_all")}
          </Button>
        ) : null
      }
    >
      {children}
    </Card>
  );
}

export default function Dashboard() {
  const { t, en, code } = useLabels();
  const { i18n } = useTranslation();
  const navigate = useNavigate();
  const dash = useDashboard();
  const ref = useReference();
  const open = (id: string) => void navigate(`/cases/${id}`);
  const d = dash.data;

  const dayOption = useMemo(() => (d ? dayChart(d, t) : null), [d, t]);
  const natureOption = useMemo(() => (d ? natureChart(d, (c) => natureLabel(ref.data, c, en)) : null), [d, ref.data, en]);

  if (dash.isPending) return <Skeleton active paragraph={{ rows: 12 }} />;
  if (dash.isError || !d)
    return (
      <Alert
        type="error"
        showIcon
        message={t("app.load_failed")}
        description={errorText(dash.error)}
        action={<Button onClick={() => void dash.refetch()}>{t("app.retry")}</Button>}
      />
    );

  const m = d.month;
  const rate = m.accepted > 0 ? `${((m.resolved / m.accepted) * 100).toFixed(1)}%` : "—";
  const todayText = dayjs(d.today)
    .locale(i18n.language === "en-US" ? "en" : "zh-cn")
    .format(t("common.date_long"));

  return (
    <div className="page dashboard" data-testid="dashboard">
      <PageTitle
        title={t("dashboard.title")}
        sub={t("dashboard.greeting", { date: todayText })}
        extra={
          <Button type="primary" icon={<PlusOutlined />} size="large" onClick={() => void navigate("/intake")}>
            {t("dashboard.new_case")}
          </Button>
        }
      />

      <Card size="small" className="month-card" title={t("dashboard.month")}>
        <Row gutter={16} className="stats-row">
          <Col span={4}>
            <Statistic title={t("dashboard.received")} value={m.received} data-testid="stat-received" />
          </Col>
          <Col span={4}>
            <Statistic title={t("dashboard.accepted")} value={m.accepted} data-testid="stat-accepted" />
          </Col>
          <Col span={4}>
            <Statistic title={t("dashboard.closed")} value={m.closed} data-testid="stat-closed" />
          </Col>
          <Col span={4}>
            <Statistic
              title={
                <Space size={4}>
                  {t("dashboard.resolution_rate")}
                  <Tooltip title={t("dashboard.resolution_rate_help")}>
                    <QuestionCircleOutlined />
                  </Tooltip>
                </Space>
              }
              value={rate}
              data-testid="stat-rate"
            />
          </Col>
          <Col span={5}>
            <Statistic
              title={t("dashboard.recovered")}
              value={formatYuan(m.recovered_fen)}
              suffix={<span className="stat-suffix">{t("common.yuan")}</span>}
              data-testid="stat-recovered"
            />
          </Col>
          <Col span={3}>
            <Statistic title={t("dashboard.consultations")} value={m.consultations_people} />
          </Col>
        </Row>
      </Card>

      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={16}>
          <Typography.Title level={5} className="section-title">
            {t("dashboard.todo")}
          </Typography.Title>
          <Space direction="vertical" size={16} style={{ width: "100%" }}>
            <TodoCard
              title={t("dashboard.overdue")}
              count={d.overdue.length}
              color="#cf1322"
              testId="todo-overdue"
              more={() => void navigate("/cases?overdue=1&sort=deadline")}
            >
              <CaseItems rows={d.overdue} empty={t("dashboard.overdue_empty")} onOpen={open} />
            </TodoCard>
            <TodoCard
              title={t("dashboard.due_soon")}
              count={d.due_soon.length}
              color="#d48806"
              testId="todo-due-soon"
              more={() => void navigate("/cases?sort=deadline")}
            >
              <CaseItems rows={d.due_soon} empty={t("dashboard.due_soon_empty")} onOpen={open} />
            </TodoCard>
            <TodoCard
              title={t("dashboard.awaiting")}
              count={d.awaiting_acceptance.length}
              color="#1e5aa8"
              testId="todo-awaiting"
              more={() => void navigate("/cases?status=registered&sort=deadline")}
            >
              <CaseItems rows={d.awaiting_acceptance} empty={t("dashboard.awaiting_empty")} onOpen={open} />
            </TodoCard>
            <TodoCard title={t("dashboard.sessions")} count={d.sessions.length} color="#08979c" testId="todo-sessions">
              {d.sessions.length === 0 ? (
                <div className="todo-empty">{t("dashboard.sessions_empty")}</div>
              ) : (
                <List
                  size="small"
                  dataSource={d.sessions.slice(0, MAX_ITEMS)}
                  renderItem={(s) => (
                    <List.Item
                      className="todo-item"
                      onClick={() => open(s.case_id)}
                      tabIndex={0}
                      role="link"
                      onKeyDown={(e) => e.key === "Enter" && open(s.case_id)}
                    >
                      <div className="todo-main">
                        <Space size={8}>
                          <Typography.Text strong>{fmtDateTime(s.at)}</Typography.Text>
                          <Typography.Text>{code("session_mode", s.mode)}</Typography.Text>
                        </Space>
                        <Typography.Text type="secondary" ellipsis className="todo-parties">
                          {[s.place, s.mediator].filter(Boolean).join(" · ")}
                        </Typography.Text>
                      </div>
                      <Typography.Text className="case-no">{s.no}</Typography.Text>
                    </List.Item>
                  )}
                />
              )}
            </TodoCard>
          </Space>
        </Col>
        <Col span={8}>
          <Typography.Title level={5} className="section-title">
            {t("sync.title")}
          </Typography.Title>
          <Card size="small" className="sync-card">
            <SyncDetails s={d.sync} />
          </Card>
          <Typography.Title level={5} className="section-title" style={{ marginTop: 16 }}>
            {t("dashboard.chart_nature")}
          </Typography.Title>
          <Card size="small">
            {d.by_nature.length === 0 || !natureOption ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("dashboard.chart_empty")} />
            ) : (
              <EChart option={natureOption} height={Math.max(160, d.by_nature.length * 30 + 30)} ariaLabel={t("dashboard.chart_nature")} />
            )}
          </Card>
        </Col>
      </Row>

      <Typography.Title level={5} className="section-title" style={{ marginTop: 16 }}>
        {t("dashboard.chart_days")}
      </Typography.Title>
      <Card size="small">{dayOption && <EChart option={dayOption} height={260} ariaLabel={t("dashboard.chart_days")} />}</Card>
    </div>
  );
}

function dayChart(d: DashboardData, t: (k: string) => string) {
  return {
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: [t("dashboard.chart_received"), t("dashboard.chart_closed")], top: 0 },
    grid: { left: 36, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: d.by_day.map((x) => x.date.slice(5)), axisTick: { show: false } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      {
        name: t("dashboard.chart_received"),
        type: "bar",
        data: d.by_day.map((x) => x.received),
        itemStyle: { color: "#1e5aa8" },
        barMaxWidth: 14,
      },
      {
        name: t("dashboard.chart_closed"),
        type: "line",
        data: d.by_day.map((x) => x.closed),
        itemStyle: { color: "#389e0d" },
        symbolSize: 5,
      },
    ],
  };
}

function natureChart(d: DashboardData, label: (code: string) => string) {
  const items = [...d.by_nature].reverse();
  return {
    animation: false,
    tooltip: { trigger: "item" },
    grid: { left: 8, right: 28, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1, splitLine: { show: false }, axisLabel: { show: false } },
    yAxis: { type: "category", data: items.map((x) => label(x.code)), axisTick: { show: false } },
    series: [
      {
        type: "bar",
        data: items.map((x) => x.count),
        itemStyle: { color: "#5b8ff9" },
        barMaxWidth: 16,
        label: { show: true, position: "right" },
      },
    ],
  };
}
