// The 接收单位 of a transfer (下转, 上报, 协办): picked by name from the units the station knows
// (transfer_targets: its parent chain, the units below, the others the hub sent), or typed as a
// code with its name when the unit is not in the list (or no list has come from the hub yet).
import { useEffect } from "react";
import { Alert, Button, Checkbox, Col, Form, Input, Row, Select, Tag } from "antd";
import type { TransferKind, TransferTarget } from "../bindings";
import { UNIT_CODE } from "../ipc/domain";
import { useTransferTargets } from "../lib/queries";
import { useLabels } from "../lib/labels";
import { explain, messageText } from "../lib/messages";

export function targetLabel(t: (k: string, o?: Record<string, unknown>) => string, u: TransferTarget): string {
  return u.name ? t("common.name_code", { name: u.name, code: u.code }) : t("transfer.code_only", { code: u.code });
}

export function UnitTarget({ kind, homeUnit }: { kind: TransferKind | undefined; homeUnit: string }) {
  const { t } = useLabels();
  const form = Form.useFormInstance();
  const targets = useTransferTargets(kind);
  const typed = Form.useWatch("typed_unit", form) as boolean | undefined;
  const list = (targets.data?.targets ?? []).filter((u) => u.code !== homeUnit);
  const none = targets.isSuccess && list.length === 0;
  const k = "action.case.transferred";
  const typing = !!typed;
  // No unit is known for this kind of transfer: the code and name are typed.
  useEffect(() => {
    if (none && !typed) form.setFieldValue("typed_unit", true);
  }, [none, typed, form]);

  const setTyping = (on: boolean) => {
    form.setFieldsValue({ typed_unit: on, to_unit: undefined, to_unit_name: undefined });
  };

  return (
    <>
      <Form.Item name="typed_unit" hidden initialValue={false} valuePropName="checked">
        <Checkbox />
      </Form.Item>
      {none && (
        <Alert
          type="info"
          showIcon
          className="block-gap"
          data-testid="no-units"
          message={explain({ code: targets.data?.none_reason ?? "transfer.no_units" })}
        />
      )}
      {typing ? (
        <Row gutter={12}>
          <Col span={10}>
            <Form.Item
              name="to_unit"
              label={t(`${k}.to_unit_code`)}
              normalize={(v: string | undefined) => (v ?? "").trim().toUpperCase()}
              rules={[
                { required: true, message: messageText("required") },
                { pattern: UNIT_CODE, message: messageText("unit.code_format") },
              ]}
            >
              <Input placeholder={t(`${k}.to_unit_code_ph`)} maxLength={32} data-testid="to-unit-code" />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item
              name="to_unit_name"
              label={t(`${k}.to_unit_name`)}
              rules={[{ required: true, whitespace: true, message: messageText("required") }]}
            >
              <Input placeholder={t(`${k}.to_unit_name_ph`)} maxLength={100} data-testid="to-unit-name" />
            </Form.Item>
          </Col>
        </Row>
      ) : (
        <Form.Item name="to_unit" label={t(`${k}.to_unit`)} rules={[{ required: true, message: messageText("required") }]}>
          <Select
            showSearch={{ optionFilterProp: "search" }}
            loading={targets.isPending}
            placeholder={t(`${k}.to_unit_ph`)}
            data-testid="to-unit"
            options={list.map((u) => ({
              value: u.code,
              search: `${u.name ?? ""} ${u.code}`,
              label: (
                <span className="unit-option">
                  <span>{targetLabel(t, u)}</span>
                  <Tag bordered={false} className="unit-relation">
                    {t(`transfer.relation.${u.relation}`)}
                  </Tag>
                </span>
              ),
            }))}
          />
        </Form.Item>
      )}
      {!none && (
        <Button type="link" size="small" className="unit-typed-toggle" onClick={() => setTyping(!typed)} data-testid="unit-typed-toggle">
          {typed ? t(`${k}.pick_unit`) : t(`${k}.type_unit`)}
        </Button>
      )}
    </>
  );
}
