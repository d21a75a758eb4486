import { Button, Layout, Menu, Space, Typography, Tag, Popconfirm, Tooltip } from "antd";
import {
  DashboardOutlined,
  FormOutlined,
  UnorderedListOutlined,
  CarOutlined,
  SettingOutlined,
  BankOutlined,
  LockOutlined,
  BarChartOutlined,
} from "@ant-design/icons";
import { api } from "../ipc/api";
import { Outlet, useLocation, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import SyncBadge from "./SyncBadge";
import LanguageSwitch from "./LanguageSwitch";
import { Activity, useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { qk, useSession, useStation } from "../lib/queries";
import CaseList, { prefetchCaseList } from "../pages/CaseList";
import { BROWSER_MODE_KEY } from "../ipc/mock";

const { Header, Sider, Content } = Layout;

export default function AppLayout() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const loc = useLocation();
  const station = useStation();
  const qc = useQueryClient();
  const session = useSession();
  const hasStation = !!station.data;
  // The case list is the most used screen: its first page (one small query, on a read
  // connection of its own) is loaded as soon as the station is known.
  useEffect(() => {
    if (hasStation) void prefetchCaseList(qc);
  }, [hasStation, qc]);
  const path = loc.pathname;
  const selected = path.startsWith("/cases") ? "/cases" : path === "/" ? "/" : `/${path.split("/")[1] ?? ""}`;
  const items = [
    { key: "/", icon: <DashboardOutlined />, label: t("nav.dashboard") },
    { key: "/intake", icon: <FormOutlined />, label: t("nav.intake") },
    { key: "/cases", icon: <UnorderedListOutlined />, label: t("nav.cases") },
    { key: "/roving", icon: <CarOutlined />, label: t("nav.roving") },
    { key: "/statistics", icon: <BarChartOutlined />, label: t("nav.statistics") },
    { key: "/settings", icon: <SettingOutlined />, label: t("nav.settings") },
  ];
  const browserMode = typeof window !== "undefined" && window.__CASEDESK_BROWSER_MODE__;
  return (
    <Layout className="app-layout">
      <Sider width={208} theme="light" className="app-sider" breakpoint="xl" collapsedWidth={64}>
        <div className="brand">
          <div className="brand-mark" aria-hidden>
            <BankOutlined />
          </div>
          <div className="brand-text">{t("app.name")}</div>
        </div>
        <Menu mode="inline" selectedKeys={[selected]} items={items} onClick={(e) => void navigate(e.key)} className="app-menu" />
      </Sider>
      <Layout>
        <Header className="app-header">
          <Space size={12} className="station">
            <Typography.Text strong className="station-name">
              {station.data?.unit_name}
            </Typography.Text>
            {station.data && (
              <Typography.Text type="secondary">
                {station.data.unit} · {station.data.device_code}
              </Typography.Text>
            )}
            {station.data?.demo && (
              <Tooltip title={t("app.demo_station_help")}>
                <Tag color="orange" data-testid="demo-station">
                  {t("app.demo_station")}
                </Tag>
              </Tooltip>
            )}
            {browserMode && (
              <Popconfirm
                title={t("app.reset_demo_confirm")}
                onConfirm={() => {
                  localStorage.removeItem(BROWSER_MODE_KEY);
                  window.location.hash = "";
                  window.location.reload();
                }}
              >
                <Tag color="orange" style={{ cursor: "pointer" }}>
                  {t("app.browser_mode")}
                </Tag>
              </Popconfirm>
            )}
          </Space>
          <Space size={16}>
            {session.data && (
              <Typography.Text className="app-user" data-testid="signed-in-as">
                {t("auth.signed_in_as", { name: session.data.staff.name })}
              </Typography.Text>
            )}
            <Tooltip title={t("auth.lock_help")}>
              <Button
                icon={<LockOutlined />}
                data-testid="lock"
                onClick={() => {
                  void api.lockSession().finally(() => {
                    qc.setQueryData(qk.session, null);
                    qc.removeQueries({ predicate: (q) => q.queryKey[0] === "case" || q.queryKey[0] === "cases" });
                  });
                }}
              >
                {t("auth.lock")}
              </Button>
            </Tooltip>
            <SyncBadge />
            <LanguageSwitch />
          </Space>
        </Header>
        <Content className="app-content">
          {/* The case list stays mounted (hidden) while a case or another screen is open: going
              back shows it at once, with its search, filters and loaded rows as they were. */}
          <Activity mode={path === "/cases" ? "visible" : "hidden"}>
            <CaseList />
          </Activity>
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
