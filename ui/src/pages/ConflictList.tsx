// Conflicting corrections of one case (two stations corrected the same field while offline):
// each field with the competing values in words, and a button to keep one of them. Keeping a
// value is a correction made on top of the latest one, which resolves the conflict everywhere.
import { useState } from "react";
import { Alert, App as AntApp, Button, Space, Typography } from "antd";
import { newOpId } from "../ipc/api";
import type { CaseDetail } from "../ipc/types";
import { categoryLabel, errorText, natureLabel, useLabels } from "../lib/labels";
import { useCaseAction, useReference } from "../lib/queries";
import { fieldLabel, fieldValueText } from "../lib/fields";

export default function ConflictList({ detail }: { detail: CaseDetail }) {
  const { t, en } = useLabels();
  const ref = useReference();
  const act = useCaseAction();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const c = detail.case;
  const canEdit = detail.allowed.includes("case.edited");

  const show = (field: string, v: unknown) => {
    if (typeof v === "string" && field === "category") return categoryLabel(ref.data, v, en) || v;
    if (typeof v === "string" && field === "nature") return natureLabel(ref.data, v, en) || v;
    return fieldValueText(field, v, t);
  };

  const keep = async (field: string, value: unknown, key: string) => {
    setBusy(key);
    try {
      const event = { kind: "case.edited" as const, payload: { edits: [{ field, value, base: c.field_heads[field] ?? null }] } };
      await act(newOpId(), c.id, event);
      void message.success(t("edit.conflict_resolved", { field: fieldLabel(field, t) }));
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Alert
      type="error"
      showIcon
      className="block-gap"
      data-testid="conflict-banner"
      message={t("detail.conflict_title")}
      description={
        <div className="conflicts">
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t("edit.conflict_hint")}
          </Typography.Paragraph>
          {c.conflicts.map((x) => (
            <div key={x.field} className="conflict" data-testid="conflict">
              <Typography.Text strong>{fieldLabel(x.field, t)}</Typography.Text>
              <Space direction="vertical" size={4} style={{ width: "100%", marginTop: 4 }}>
                {x.candidates.map(([id, v], i) => {
                  const key = `${x.field}/${id}/${i}`;
                  return (
                    <Space key={key} className="conflict-value">
                      <Typography.Text>{show(x.field, v)}</Typography.Text>
                      {canEdit && (
                        <Button
                          size="small"
                          loading={busy === key}
                          disabled={busy !== null && busy !== key}
                          onClick={() => void keep(x.field, v, key)}
                        >
                          {t("edit.keep_this")}
                        </Button>
                      )}
                    </Space>
                  );
                })}
              </Space>
            </div>
          ))}
        </div>
      }
    />
  );
}
