// Retention of personal data (heads and administrators: the anonymize permission, checked again by
// the store): the period after a case ends, the ended cases past it, and "remove these", after a
// confirmation that says what goes and that the statistics stay.
import { useState } from "react";
import { Alert, App as AntApp, Button, Card, Form, InputNumber, List, Modal, Space, Table, Typography } from "antd";
import { DeleteOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, IpcError } from "../ipc/api";
import type { RetentionApplied, RetentionRow } from "../bindings";
import { errorText, issueMessage, useLabels } from "../lib/labels";
import { fmtDate } from "../lib/time";
import { useOpId } from "../lib/useOpId";
import StatusTag from "../components/StatusTag";

export const retentionKey = ["retention"] as const;

export default function Retention() {
  const { t } = useLabels();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const view = useQuery({ queryKey: retentionKey, queryFn: api.retentionGet });
  // What the head typed (undefined: nothing yet, the setting is shown).
  const [typedDays, setDays] = useState<number | null | undefined>(undefined);
  const [daysError, setDaysError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [chosen, setSelected] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [applying, setApplying] = useState(false);
  const [result, setResult] = useState<RetentionApplied | null>(null);
  const op = useOpId();
  const v = view.data;
  const due = v?.due ?? [];
  const days = typedDays !== undefined ? typedDays : (v?.days ?? null);
  // A case that left the list (anonymised elsewhere, the period changed) is no longer selected.
  const selected = chosen.filter((id) => due.some((d) => d.id === id));

  const saveDays = async () => {
    if (days === null) return;
    setSaving(true);
    setDaysError(null);
    try {
      const v = await api.retentionSet(days);
      qc.setQueryData(retentionKey, v);
      setDays(undefined);
      void message.success(t("retention.saved", { days: v.days }));
    } catch (e) {
      setDaysError(e instanceof IpcError && e.issues[0] ? issueMessage(e.issues[0]) : errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const apply = async () => {
    setApplying(true);
    try {
      const cases = [...selected].sort();
      const r = await api.retentionApply(op.get(cases), cases);
      op.reset();
      qc.setQueryData(retentionKey, r.view);
      setResult(r);
      setSelected([]);
      setConfirming(false);
      // Lists, the case pages and the search lose the names.
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "reference" && q.queryKey[0] !== retentionKey[0] });
    } catch (e) {
      setConfirming(false);
      void message.error(errorText(e));
    } finally {
      setApplying(false);
    }
  };

  return (
    <Card title={t("retention.title")} className="block-gap" data-testid="retention">
      <Typography.Paragraph type="secondary">{t("retention.help")}</Typography.Paragraph>
      {view.isError && <Alert type="error" showIcon message={errorText(view.error)} style={{ marginBottom: 12 }} />}
      <Form layout="inline" name="retention" onFinish={() => void saveDays()}>
        <Form.Item
          label={t("retention.period")}
          validateStatus={daysError ? "error" : undefined}
          help={daysError ?? (days !== null && days >= 365 ? t("retention.period_years", { years: (days / 365).toFixed(1) }) : undefined)}
        >
          <InputNumber
            min={0}
            max={v?.max_days ?? 36500}
            precision={0}
            value={days}
            onChange={(x) => setDays(typeof x === "number" ? x : null)}
            addonAfter={t("retention.period_suffix")}
            style={{ width: 170 }}
            data-testid="retention-days"
          />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" loading={saving} disabled={days === null || days === v?.days} data-testid="retention-save">
            {t("retention.save")}
          </Button>
        </Form.Item>
      </Form>

      <Typography.Title level={5} style={{ marginTop: 20 }}>
        {t("retention.due_title")}
      </Typography.Title>
      {due.length > 0 && <Typography.Paragraph type="secondary">{t("retention.due_help")}</Typography.Paragraph>}
      <Table<RetentionRow>
        rowKey="id"
        size="small"
        loading={view.isPending}
        dataSource={due}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: t("retention.due_empty") }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) }}
        scroll={{ x: true }}
        data-testid="retention-due"
        columns={[
          { title: t("retention.no"), dataIndex: "no", width: 220 },
          {
            title: t("retention.status"),
            dataIndex: "status",
            width: 110,
            render: (s: RetentionRow["status"]) => <StatusTag status={s} />,
          },
          { title: t("retention.ended"), dataIndex: "ended_at", width: 120, render: (x: string) => fmtDate(x) },
          { title: t("retention.due"), dataIndex: "due_at", width: 120, render: (x: string) => fmtDate(x) },
          {
            title: t("retention.days_over"),
            dataIndex: "days_over",
            width: 100,
            align: "right",
            render: (n: number) => t("retention.days_over_value", { days: n }),
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button
          danger
          icon={<DeleteOutlined />}
          disabled={selected.length === 0}
          onClick={() => setConfirming(true)}
          data-testid="retention-anonymize"
        >
          {t("retention.anonymize")}
        </Button>
      </Space>
      {result && (
        <Alert
          style={{ marginTop: 16 }}
          type={result.failed.length ? "warning" : "success"}
          showIcon
          closable
          onClose={() => setResult(null)}
          message={t("retention.done", { count: result.anonymized.length })}
          data-testid="retention-result"
          description={
            <>
              {result.anonymized.length > 0 && <div>{result.anonymized.join(t("app.list_sep"))}</div>}
              {result.failed.length > 0 && (
                <>
                  <div style={{ marginTop: 8 }}>{t("retention.failed", { count: result.failed.length })}</div>
                  <List
                    size="small"
                    dataSource={result.failed}
                    renderItem={(f) => <List.Item>{t("retention.failed_item", { no: f.no, message: f.message })}</List.Item>}
                  />
                </>
              )}
            </>
          }
        />
      )}
      <Modal
        open={confirming}
        title={t("retention.confirm_title", { count: selected.length })}
        onCancel={() => setConfirming(false)}
        onOk={() => void apply()}
        confirmLoading={applying}
        okText={t("retention.confirm_ok")}
        okButtonProps={{ danger: true, "data-testid": "retention-confirm" }}
        cancelText={t("common.cancel")}
        destroyOnHidden
      >
        <Typography.Paragraph>{t("retention.confirm_removed")}</Typography.Paragraph>
        <Typography.Paragraph>{t("retention.confirm_kept")}</Typography.Paragraph>
        <Alert type="warning" showIcon message={t("retention.confirm_final")} />
      </Modal>
    </Card>
  );
}
