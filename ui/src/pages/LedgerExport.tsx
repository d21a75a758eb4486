// The 受理台账 of a period from the case list: one row per case received in the period, written
// by Rust (casedesk-docs) as a PDF to print or an Excel workbook, then opened with the system's
// program.
import { useState } from "react";
import { App as AntApp, Button, DatePicker, Form, Modal, Radio } from "antd";
import { BookOutlined } from "@ant-design/icons";
import type { Dayjs } from "dayjs";
import { IpcError, api } from "../ipc/api";
import type { LedgerFormat } from "../ipc/types";
import { errorText, issueMessage, useLabels } from "../lib/labels";
import { dayjs } from "../lib/time";

export default function LedgerButton() {
  const { t } = useLabels();
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState(false);
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().startOf("month"), dayjs()]);
  const [format, setFormat] = useState<LedgerFormat>("pdf");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const path = await api.ledgerExport({ from: range[0].format("YYYY-MM-DD"), to: range[1].format("YYYY-MM-DD"), format });
      setOpen(false);
      void message.success(t("docs.ledger_done", { path }));
      await api.docOpen(path).catch((e: unknown) => void message.error(errorText(e)));
    } catch (e) {
      setError(e instanceof IpcError && e.issues.length ? e.issues.map(issueMessage).join(t("app.problem_sep")) : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button icon={<BookOutlined />} onClick={() => setOpen(true)} data-testid="ledger-open">
        {t("docs.ledger")}
      </Button>
      <Modal
        open={open}
        title={t("docs.ledger_title")}
        onCancel={() => setOpen(false)}
        onOk={() => void run()}
        okButtonProps={{ loading: busy, "data-testid": "ledger-ok" }}
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label={t("docs.ledger_period")} validateStatus={error ? "error" : undefined} help={error ?? undefined}>
            <DatePicker.RangePicker
              value={range}
              allowClear={false}
              onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
              style={{ width: "100%" }}
            />
          </Form.Item>
          <Form.Item label={t("docs.ledger_format")}>
            <Radio.Group value={format} onChange={(e) => setFormat(e.target.value as LedgerFormat)}>
              <Radio value="pdf">{t("docs.ledger_pdf")}</Radio>
              <Radio value="xlsx">{t("docs.ledger_xlsx")}</Radio>
            </Radio.Group>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
