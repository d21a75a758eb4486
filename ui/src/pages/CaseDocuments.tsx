// The case page's 文书 and 证据材料 panels. Documents: the ones the case's state offers (Rust's
// available_documents), a preview of the pages as they would be issued, issuing (the number is
// given and the PDF kept by Rust), and for each issued number: open the PDF as issued (the
// system's PDF viewer prints it), the editable .docx copy, the pages. Evidence: files attached to
// the case with thumbnails, the 原件已退还 flag and the document a signed copy belongs to.
import { useState } from "react";
import {
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Empty,
  Form,
  Image,
  Input,
  List,
  Modal,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
  Upload,
} from "antd";
import {
  ClockCircleOutlined,
  EyeOutlined,
  FilePdfOutlined,
  FileWordOutlined,
  PaperClipOutlined,
  PrinterOutlined,
  UploadOutlined,
} from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { UploadFile } from "antd";
import type { CaseDetail, DocOffer, DocPages, Delivery, Recipient } from "../ipc/types";
import { IpcError, api, newOpId } from "../ipc/api";
import { codeLabel, codeOptions, errorText, issueMessage, useLabels } from "../lib/labels";
import { qk } from "../lib/queries";
import { fmtDateTime } from "../lib/time";
import { MAX_BLOB_BYTES } from "../bindings/limits.data";

/** Largest file a clerk may attach (limits::MAX_BLOB_BYTES, generated; Rust checks it again). */
export const MAX_FILE_BYTES = MAX_BLOB_BYTES;

/** What the offer is about, for a document of a session or a transfer. */
function subjectText(d: CaseDetail, o: DocOffer): string {
  if (!o.subject) return "";
  const s = d.case.sessions.find((x) => x.id === o.subject);
  if (s) return fmtDateTime(s.recorded?.held_at ?? s.scheduled?.at ?? "");
  const t = d.case.transfers.find((x) => x.transfer === o.subject);
  return t ? `${t.to_department || t.to_unit}` : "";
}

/** Reads a file chosen in the browser as base64 (without the data: prefix). */
function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = typeof r.result === "string" ? r.result : "";
      resolve(s.slice(s.indexOf(",") + 1));
    };
    r.onerror = () => reject(r.error ?? new Error("read failed"));
    r.readAsDataURL(file);
  });
}

function useOpen() {
  const { message } = AntApp.useApp();
  const { t } = useLabels();
  return async (path: string) => {
    try {
      await api.docOpen(path);
      void message.success(t("docs.opened", { path: path.split(/[\\/]/).pop() ?? path }));
    } catch (e) {
      void message.error(errorText(e));
    }
  };
}

function Pages({ pages }: { pages: DocPages | undefined }) {
  if (!pages) return <Spin />;
  return (
    <div className="doc-pages" data-testid="doc-pages">
      {pages.pages.map((src, i) => (
        <img key={i} src={src} alt={`${pages.number} · ${i + 1}`} className="doc-page" />
      ))}
    </div>
  );
}

/** Preview of a document as it would be issued, and issuing it. */
function IssueModal({ detail, offer, onClose }: { detail: CaseDetail; offer: DocOffer; onClose: () => void }) {
  const { t } = useLabels();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const open = useOpen();
  const [recipient, setRecipient] = useState<Recipient>(offer.recipients[0] ?? "archive");
  const [delivery, setDelivery] = useState<Delivery>(recipient === "archive" ? "filed" : "in_person");
  const [opId] = useState(newOpId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const c = detail.case;
  const preview = useQuery({
    queryKey: ["doc-preview", c.id, offer.kind, offer.subject, recipient],
    queryFn: () => api.docPreview({ case: c.id, kind: offer.kind, subject: offer.subject, recipient }),
    retry: false,
    gcTime: 0,
  });
  const issue = async () => {
    setBusy(true);
    setError(null);
    try {
      const f = await api.docIssue({ op_id: opId, case: c.id, kind: offer.kind, subject: offer.subject, recipient, delivery });
      await qc.invalidateQueries({ queryKey: qk.case(c.id) });
      void message.success(t("docs.issued", { number: f.number }));
      onClose();
      void open(f.path);
    } catch (e) {
      setError(e instanceof IpcError && e.issues.length ? e.issues.map(issueMessage).join(t("app.problem_sep")) : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      width={760}
      title={codeLabel("doc_kind", offer.kind)}
      onCancel={onClose}
      okText={t("docs.issue_print")}
      okButtonProps={{ icon: <PrinterOutlined />, loading: busy, disabled: !preview.data, "data-testid": "doc-issue-ok" }}
      onOk={() => void issue()}
      destroyOnHidden
    >
      <Space wrap size={[16, 8]} className="doc-options">
        <span>
          {t("docs.recipient")}{" "}
          <Select
            value={recipient}
            onChange={setRecipient}
            style={{ minWidth: 140 }}
            options={offer.recipients.map((r) => ({ value: r, label: codeLabel("recipient", r) }))}
            data-testid="doc-recipient"
          />
        </span>
        <span>
          {t("docs.delivery")}{" "}
          <Select value={delivery} onChange={setDelivery} style={{ minWidth: 140 }} options={codeOptions("delivery")} />
        </span>
        {preview.data && (
          <Typography.Text type="secondary" data-testid="doc-next-number">
            {t("docs.number_will_be", { number: preview.data.number })}
          </Typography.Text>
        )}
      </Space>
      {error && (
        <Typography.Paragraph type="danger" data-testid="doc-error">
          {error}
        </Typography.Paragraph>
      )}
      {preview.error ? (
        <Typography.Paragraph type="danger">{errorText(preview.error)}</Typography.Paragraph>
      ) : (
        <Pages pages={preview.data} />
      )}
    </Modal>
  );
}

/** The pages of an issued document, as it was issued. */
function IssuedModal({ number, onClose }: { number: string; onClose: () => void }) {
  const pages = useQuery({ queryKey: ["doc-pages", number], queryFn: () => api.docPages(number), retry: false, gcTime: 0 });
  const { t } = useLabels();
  return (
    <Modal open width={760} title={number} onCancel={onClose} footer={null} destroyOnHidden>
      {pages.error ? <Typography.Paragraph type="danger">{errorText(pages.error)}</Typography.Paragraph> : <Pages pages={pages.data} />}
      <Typography.Text type="secondary">{t("docs.as_issued")}</Typography.Text>
    </Modal>
  );
}

export function DocumentsCard({ detail }: { detail: CaseDetail }) {
  const { t } = useLabels();
  const { message } = AntApp.useApp();
  const open = useOpen();
  const [issuing, setIssuing] = useState<DocOffer | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const file = async (number: string, format: "pdf" | "docx") => {
    try {
      const f = await api.docFile({ number, format });
      await open(f.path);
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const issued = new Map(detail.case.documents.map((d) => [d.number, d]));
  const missing = new Set(detail.missing_files);
  return (
    <Card title={t("docs.title")} size="small" data-testid="documents">
      {detail.documents.length === 0 ? (
        <Typography.Text type="secondary">{t("docs.none")}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={detail.documents}
          renderItem={(o) => (
            <List.Item
              key={`${o.kind}-${o.subject ?? ""}`}
              data-testid={`doc-${o.kind}`}
              actions={[
                <Button key="issue" size="small" icon={<EyeOutlined />} onClick={() => setIssuing(o)} data-testid={`doc-preview-${o.kind}`}>
                  {o.issued.length ? t("docs.issue_again") : t("docs.preview_issue")}
                </Button>,
              ]}
            >
              <div className="doc-offer">
                <div>
                  {codeLabel("doc_kind", o.kind)}
                  {o.subject && <Typography.Text type="secondary"> · {subjectText(detail, o)}</Typography.Text>}
                </div>
                {o.issued.map((n) => {
                  const d = issued.get(n);
                  return (
                    <div key={n} className="doc-issued" data-testid="doc-issued">
                      <Tag color="blue">{n}</Tag>
                      {d && (
                        <Typography.Text type="secondary" className="doc-meta">
                          {fmtDateTime(d.issued_at)} · {codeLabel("recipient", d.recipient)} · {codeLabel("delivery", d.delivery)}
                        </Typography.Text>
                      )}
                      {d && missing.has(d.sha256) ? (
                        <NotHere />
                      ) : (
                        <Space size={4}>
                          <Button
                            size="small"
                            type="link"
                            icon={<FilePdfOutlined />}
                            onClick={() => void file(n, "pdf")}
                            data-testid="doc-open-pdf"
                          >
                            {t("docs.open_pdf")}
                          </Button>
                          <Button size="small" type="link" icon={<FileWordOutlined />} onClick={() => void file(n, "docx")}>
                            {t("docs.open_docx")}
                          </Button>
                          <Button size="small" type="link" onClick={() => setViewing(n)}>
                            {t("docs.view")}
                          </Button>
                        </Space>
                      )}
                    </div>
                  );
                })}
              </div>
            </List.Item>
          )}
        />
      )}
      {issuing && <IssueModal detail={detail} offer={issuing} onClose={() => setIssuing(null)} />}
      {viewing && <IssuedModal number={viewing} onClose={() => setViewing(null)} />}
    </Card>
  );
}

/** A file named by an event that has not arrived here yet: said so instead of a broken image. */
function NotHere() {
  const { t } = useLabels();
  return (
    <Tag color="orange" icon={<ClockCircleOutlined />} data-testid="file-not-here">
      {t("docs.file_not_here")}
    </Tag>
  );
}

function Thumb({ caseId, evidence, media, here }: { caseId: string; evidence: string; media: string; here: boolean }) {
  const thumb = useQuery({
    queryKey: ["evidence-thumb", caseId, evidence, here],
    queryFn: () => api.evidenceThumb(caseId, evidence),
    enabled: here && media.startsWith("image/"),
    staleTime: Infinity,
    retry: false,
  });
  if (thumb.data) return <Image src={thumb.data} width={56} height={56} className="evidence-thumb" preview={false} alt="" />;
  if (!here) {
    return (
      <div className="evidence-icon evidence-missing">
        <ClockCircleOutlined />
      </div>
    );
  }
  return <div className="evidence-icon">{media === "application/pdf" ? <FilePdfOutlined /> : <PaperClipOutlined />}</div>;
}

function AddEvidenceModal({ detail, onClose }: { detail: CaseDetail; onClose: () => void }) {
  const { t } = useLabels();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ description: string; original_returned: boolean; for_document?: string }>();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [fileError, setFileError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [opId] = useState(newOpId);
  const c = detail.case;
  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const f = files[0]?.originFileObj;
    if (!f) {
      setFileError(t("docs.file_needed"));
      return;
    }
    if (f.size > MAX_FILE_BYTES) {
      setFileError(t("docs.file_too_large", { mb: MAX_FILE_BYTES / 1024 / 1024 }));
      return;
    }
    setBusy(true);
    setFileError(null);
    try {
      const data = await readBase64(f);
      const d = await api.evidenceAdd({
        op_id: opId,
        case: c.id,
        name: f.name,
        data,
        description: v.description ?? "",
        original_returned: !!v.original_returned,
        for_document: v.for_document ?? null,
      });
      qc.setQueryData(qk.case(c.id), d);
      void message.success(t("docs.evidence_added", { name: f.name }));
      onClose();
    } catch (e) {
      const file = e instanceof IpcError ? e.issues.filter((i) => i.path === "file" || i.path === "name") : [];
      setFileError(file.length ? file.map(issueMessage).join(t("app.problem_sep")) : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t("docs.add_evidence")}
      onCancel={onClose}
      onOk={() => void save()}
      okButtonProps={{ loading: busy, "data-testid": "evidence-ok" }}
      destroyOnHidden
    >
      <Form form={form} name="evidence" layout="vertical" initialValues={{ original_returned: false }}>
        <Form.Item label={t("docs.file")} required validateStatus={fileError ? "error" : undefined} help={fileError ?? t("docs.file_help")}>
          <Upload
            accept="image/jpeg,image/png,application/pdf"
            maxCount={1}
            fileList={files}
            beforeUpload={() => false}
            onChange={({ fileList }) => {
              setFiles(fileList.slice(-1));
              setFileError(null);
            }}
          >
            <Button icon={<UploadOutlined />} data-testid="evidence-choose">
              {t("docs.choose_file")}
            </Button>
          </Upload>
        </Form.Item>
        <Form.Item name="description" label={t("docs.description")}>
          <Input maxLength={200} placeholder={t("docs.description_ph")} />
        </Form.Item>
        <Form.Item name="for_document" label={t("docs.for_document")}>
          <Select
            allowClear
            options={c.documents.map((d) => ({ value: d.number, label: `${codeLabel("doc_kind", d.kind)} ${d.number}` }))}
          />
        </Form.Item>
        <Form.Item name="original_returned" valuePropName="checked">
          <Checkbox>{t("docs.original_returned")}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function EvidenceCard({ detail }: { detail: CaseDetail }) {
  const { t } = useLabels();
  const { message } = AntApp.useApp();
  const open = useOpen();
  const [adding, setAdding] = useState(false);
  const c = detail.case;
  const canAdd = c.status !== "voided";
  const missing = new Set(detail.missing_files);
  const openFile = async (evidence: string) => {
    try {
      await open(await api.evidenceFile(c.id, evidence));
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  return (
    <Card
      title={t("docs.evidence")}
      size="small"
      data-testid="evidence"
      extra={
        canAdd && (
          <Button size="small" icon={<PaperClipOutlined />} onClick={() => setAdding(true)} data-testid="evidence-add">
            {t("docs.add_evidence")}
          </Button>
        )
      }
    >
      {c.evidence.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("docs.no_evidence")} />
      ) : (
        <List
          size="small"
          dataSource={c.evidence}
          renderItem={(e) => (
            <List.Item
              key={e.evidence}
              data-testid="evidence-item"
              onClick={() => missing.has(e.sha256) || void openFile(e.evidence)}
              className={missing.has(e.sha256) ? "evidence-row evidence-row-missing" : "evidence-row"}
            >
              <List.Item.Meta
                avatar={<Thumb caseId={c.id} evidence={e.evidence} media={e.media_type} here={!missing.has(e.sha256)} />}
                title={e.description || e.name}
                description={
                  <Space wrap size={4}>
                    <span>{e.name}</span>
                    <span>{(e.size / 1024).toFixed(0)} KB</span>
                    {e.original_returned && <Tag color="green">{t("docs.original_returned_tag")}</Tag>}
                    {e.for_document && <Tag color="blue">{t("docs.signed_copy_of", { number: e.for_document })}</Tag>}
                    {missing.has(e.sha256) && <NotHere />}
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      )}
      {adding && <AddEvidenceModal detail={detail} onClose={() => setAdding(false)} />}
    </Card>
  );
}
