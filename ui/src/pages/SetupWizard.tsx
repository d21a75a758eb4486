import { useState } from "react";
import { Alert, App as AntApp, Button, Card, Checkbox, Col, Form, Input, Progress, Radio, Row, Select, Space, Typography } from "antd";
import type { Rule } from "antd/es/form";
import { ShopOutlined, LinkOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, IpcError } from "../ipc/api";
import type { SetupStation, UnitKind } from "../ipc/types";
import { qk, useReference } from "../lib/queries";
import { codeOptions, errorText, issueMessage } from "../lib/labels";
import { issuePathToNamePath } from "../lib/paths";
import { useOpId } from "../lib/useOpId";
import LanguageSwitch from "../components/LanguageSwitch";
import { messageText } from "../lib/messages";
import { UNIT_CODE } from "../ipc/domain";

/** The rules of a new station passphrase field: required, at least `min` characters. */
export function passphraseRules(min: number): Rule[] {
  return [
    { required: true, message: messageText("required") },
    { min, message: messageText("key.passphrase_short", String(min)) },
  ];
}

/** The rules of the field that repeats the passphrase of field `first`. */
export function passphraseAgainRules(first: string): Rule[] {
  return [
    { required: true, message: messageText("required") },
    ({ getFieldValue }) => ({
      validator: (_, v) =>
        v === getFieldValue(first) ? Promise.resolve() : Promise.reject(new Error(messageText("key.passphrase_mismatch"))),
    }),
  ];
}

/** A rough strength of a station passphrase, 0–4: length (a Chinese character counts double: a
 * sentence of them is hard to guess) and the kinds of characters. Only a hint; the store's rule
 * is the minimum length. */
export function passphraseStrength(p: string, min: number): 0 | 1 | 2 | 3 | 4 {
  const chars = [...p];
  if (chars.length < min) return 0;
  const weight = chars.reduce((n, c) => n + (/[\u3400-\u9fff]/.test(c) ? 2 : 1), 0);
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d\u3400-\u9fff]/, /[\u3400-\u9fff]/].filter((r) => r.test(p)).length;
  const distinct = new Set(chars).size;
  if (distinct < 4) return 1;
  const score = weight + kinds * 3;
  return score >= 28 ? 4 : score >= 20 ? 3 : score >= 14 ? 2 : 1;
}

const STRENGTH = ["weak", "weak", "fair", "good", "strong"] as const;
const STRENGTH_COLOR = ["#d4380d", "#d4380d", "#d48806", "#389e0d", "#237804"];

const ADMIN_CODES = ["632802", "632801", "632803", "632821", "632822", "632823"];

interface Values {
  unit: string;
  unit_name: string;
  unit_kind: UnitKind;
  parent?: string;
  admin_code: string;
  device_code: string;
  device_name: string;
  staff_name: string;
  staff_secret: string;
  staff_secret2: string;
  load_demo: boolean;
  key_choice: "keyring" | "passphrase";
  passphrase?: string;
  passphrase2?: string;
  enroll_code?: string;
  hub_url?: string;
}

export default function SetupWizard() {
  const { t } = useTranslation();
  const [mode, setMode] = useState<"create" | "join">("create");
  const [form] = Form.useForm<Values>();
  const [parentSearch, setParentSearch] = useState("");
  const parent = Form.useWatch("parent", form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useReference();
  const qc = useQueryClient();
  const op = useOpId();
  const { message, modal } = AntApp.useApp();
  const keys = useQuery({ queryKey: ["key-options"], queryFn: api.keyOptions, staleTime: Infinity });
  const keyChoice = Form.useWatch("key_choice", form);
  const passphrase = Form.useWatch("passphrase", form) ?? "";
  const minChars = keys.data?.min_passphrase_chars ?? 8;
  // The wizard asks for a passphrase where there is no keyring, or where it was chosen.
  const asksPassphrase = !!keys.data && !keys.data.existing && (!keys.data.keyring || keyChoice === "passphrase");
  const strength = passphraseStrength(passphrase, minChars);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    const base: Omit<SetupStation, "op_id"> = {
      unit: v.unit.trim().toUpperCase(),
      unit_name: v.unit_name.trim(),
      unit_kind: v.unit_kind,
      parent: v.parent ?? null,
      admin_code: v.admin_code,
      device_code: v.device_code.trim().toUpperCase(),
      device_name: v.device_name.trim(),
      staff_name: v.staff_name.trim(),
      staff_secret: v.staff_secret,
      load_demo: mode === "create" && v.load_demo,
      passphrase: asksPassphrase ? (v.passphrase ?? "") : null,
    };
    try {
      await api.setupStation({ ...base, op_id: op.get(base) });
      if (mode === "join" && v.enroll_code) {
        try {
          const st = await api.syncEnroll({ code: v.enroll_code.trim(), ...(v.hub_url?.trim() ? { hub_url: v.hub_url.trim() } : {}) });
          qc.setQueryData(qk.sync, st);
          void message.success(t("setup.joined"));
        } catch (e) {
          modal.warning({ title: t("setup.done"), content: t("setup.join_failed", { reason: errorText(e) }) });
        }
      } else {
        void message.success(t("setup.done"));
      }
      await qc.invalidateQueries();
    } catch (e) {
      if (e instanceof IpcError && e.issues.length) {
        form.setFields(e.issues.map((i) => ({ name: issuePathToNamePath(i.path) as never, errors: [issueMessage(i)] })));
      }
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const parents = (ref.data?.units ?? []).filter((u) => u.kind === "association" || u.kind === "branch");
  const typedParent = UNIT_CODE.test(parentSearch.trim()) ? parentSearch.trim().toUpperCase() : "";

  return (
    <div className="setup-screen">
      <div className="setup-lang">
        <LanguageSwitch />
      </div>
      <div className="setup-inner">
        <Typography.Title level={2} style={{ marginBottom: 8 }}>
          {t("setup.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ fontSize: 15, marginBottom: 24 }}>
          {t("setup.subtitle")}
        </Typography.Paragraph>

        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as "create" | "join")} className="setup-choice">
          <Row gutter={16}>
            <Col span={12}>
              <Radio.Button value="create" className="choice-card" data-testid="setup-create">
                <ShopOutlined className="choice-icon" />
                <div>
                  <div className="choice-title">{t("setup.create")}</div>
                  <div className="choice-desc">{t("setup.create_desc")}</div>
                </div>
              </Radio.Button>
            </Col>
            <Col span={12}>
              <Radio.Button value="join" className="choice-card" data-testid="setup-join">
                <LinkOutlined className="choice-icon" />
                <div>
                  <div className="choice-title">{t("setup.join")}</div>
                  <div className="choice-desc">{t("setup.join_desc")}</div>
                </div>
              </Radio.Button>
            </Col>
          </Row>
        </Radio.Group>

        <Card style={{ marginTop: 20 }}>
          <Form<Values>
            form={form}
            layout="vertical"
            requiredMark
            onFinish={(v) => void submit(v)}
            initialValues={{
              unit_kind: "liaison_station",
              admin_code: "632802",
              device_code: "A1",
              device_name: t("setup.device_name_default"),
              load_demo: false,
              key_choice: "keyring",
            }}
          >
            <Row gutter={24}>
              <Col span={12}>
                <Form.Item
                  name="unit"
                  label={t("setup.unit")}
                  extra={t("setup.unit_help")}
                  rules={[
                    { required: true, message: messageText("required") },
                    { pattern: /^[A-Za-z0-9]{2,12}$/, message: t("setup.unit_pattern") },
                  ]}
                >
                  <Input autoFocus placeholder={t("setup.unit_ph")} maxLength={12} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="unit_name" label={t("setup.unit_name")} rules={[{ required: true, message: messageText("required") }]}>
                  <Input placeholder={t("setup.unit_name_ph")} maxLength={60} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="unit_kind" label={t("setup.unit_kind")} rules={[{ required: true, message: messageText("required") }]}>
                  <Select options={codeOptions("unit_kind")} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item
                  name="parent"
                  label={t("setup.parent")}
                  extra={parent && !parents.some((u) => u.code === parent) ? t("setup.parent_unknown") : t("setup.parent_help")}
                  rules={[{ pattern: UNIT_CODE, message: messageText("unit.code_format") }]}
                >
                  <Select
                    allowClear
                    showSearch={{ optionFilterProp: "search", onSearch: setParentSearch }}
                    placeholder={t("setup.parent_ph")}
                    notFoundContent={t("setup.parent_none")}
                    data-testid="setup-parent"
                    options={[
                      ...parents.map((u) => ({
                        value: u.code,
                        search: `${u.name} ${u.code}`,
                        label: t("common.name_code", { name: u.name, code: u.code }),
                      })),
                      // A code typed that the station does not know yet (no list before enrollment).
                      ...(typedParent && !parents.some((u) => u.code === typedParent)
                        ? [{ value: typedParent, search: parentSearch, label: t("setup.parent_typed", { code: typedParent }) }]
                        : []),
                      ...(parent && !parents.some((u) => u.code === parent) && parent !== typedParent
                        ? [{ value: parent, search: parent, label: t("setup.parent_typed", { code: parent }) }]
                        : []),
                    ]}
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="admin_code" label={t("setup.admin_code")} rules={[{ required: true, message: messageText("required") }]}>
                  <Select
                    options={ADMIN_CODES.map((c) => ({ value: c, label: t("common.name_code", { name: t(`place.${c}`), code: c }) }))}
                  />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item
                  name="device_code"
                  label={t("setup.device_code")}
                  tooltip={t("setup.device_code_help")}
                  rules={[
                    { required: true, message: messageText("required") },
                    { pattern: /^[A-Za-z0-9]{1,4}$/, message: t("setup.device_pattern") },
                  ]}
                >
                  <Input maxLength={4} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="device_name" label={t("setup.device_name")}>
                  <Input maxLength={30} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item
                  name="staff_name"
                  label={t("setup.staff_name")}
                  extra={t("setup.staff_name_help")}
                  rules={[{ required: true, message: messageText("required") }]}
                >
                  <Input maxLength={40} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item
                  name="staff_secret"
                  label={t("setup.staff_secret")}
                  extra={t("setup.staff_secret_help")}
                  rules={[{ required: true, message: messageText("required") }]}
                >
                  <Input.Password maxLength={128} autoComplete="new-password" data-testid="setup-secret" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item
                  name="staff_secret2"
                  label={t("setup.staff_secret2")}
                  dependencies={["staff_secret"]}
                  rules={[
                    { required: true, message: messageText("required") },
                    ({ getFieldValue }) => ({
                      validator: (_, v) =>
                        v === getFieldValue("staff_secret") ? Promise.resolve() : Promise.reject(new Error(t("setup.secret_mismatch"))),
                    }),
                  ]}
                >
                  <Input.Password maxLength={128} autoComplete="new-password" data-testid="setup-secret2" />
                </Form.Item>
              </Col>
              {mode === "create" ? (
                <Col span={12}>
                  <Form.Item name="load_demo" valuePropName="checked" label=" " extra={t("setup.load_demo_help")}>
                    <Checkbox data-testid="load-demo">{t("setup.load_demo")}</Checkbox>
                  </Form.Item>
                </Col>
              ) : (
                <>
                  <Col span={12}>
                    <Form.Item
                      name="enroll_code"
                      label={t("setup.enroll_code")}
                      extra={t("setup.enroll_code_help")}
                      rules={[{ required: true, message: messageText("required") }]}
                    >
                      <Input placeholder={t("setup.enroll_code_ph")} />
                    </Form.Item>
                  </Col>
                  <Col span={12}>
                    <Form.Item name="hub_url" label={t("setup.hub_url")} extra={t("setup.hub_url_help")}>
                      <Input />
                    </Form.Item>
                  </Col>
                </>
              )}
            </Row>
            <Typography.Title level={5} style={{ marginTop: 4 }}>
              {t("setup.key_title")}
            </Typography.Title>
            <Typography.Paragraph type="secondary">{t("setup.key_help")}</Typography.Paragraph>
            {keys.data?.existing ? (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 16 }}
                message={keys.data.existing === "passphrase" ? t("setup.key_existing_passphrase") : t("setup.key_existing_keyring")}
              />
            ) : keys.data?.keyring ? (
              <Form.Item name="key_choice">
                <Radio.Group data-testid="setup-key-choice">
                  <Space direction="vertical">
                    <Radio value="keyring" data-testid="setup-key-keyring">
                      <b>{t("setup.key_keyring")}</b>
                      <div className="choice-desc">{t("setup.key_keyring_desc")}</div>
                    </Radio>
                    <Radio value="passphrase" data-testid="setup-key-passphrase">
                      <b>{t("setup.key_passphrase")}</b>
                      <div className="choice-desc">{t("setup.key_passphrase_desc")}</div>
                    </Radio>
                  </Space>
                </Radio.Group>
              </Form.Item>
            ) : (
              keys.data && (
                <Alert
                  type="info"
                  showIcon
                  style={{ marginBottom: 16 }}
                  message={t("setup.key_no_keyring")}
                  data-testid="setup-no-keyring"
                />
              )
            )}
            {asksPassphrase && (
              <Row gutter={24}>
                <Col span={12}>
                  <Form.Item
                    name="passphrase"
                    label={t("setup.passphrase")}
                    extra={t("setup.passphrase_help", { min: minChars })}
                    rules={passphraseRules(minChars)}
                  >
                    <Input.Password maxLength={256} autoComplete="new-password" data-testid="setup-passphrase" />
                  </Form.Item>
                  {passphrase && (
                    <div className="passphrase-strength" data-testid="setup-passphrase-strength">
                      <Progress
                        percent={(strength / 4) * 100}
                        showInfo={false}
                        size="small"
                        strokeColor={STRENGTH_COLOR[strength]}
                        style={{ width: 160, margin: 0 }}
                      />
                      <Typography.Text type="secondary">
                        {t("setup.strength", { level: t(`setup.strength_${STRENGTH[strength]}`) })}
                      </Typography.Text>
                    </div>
                  )}
                </Col>
                <Col span={12}>
                  <Form.Item
                    name="passphrase2"
                    label={t("setup.passphrase2")}
                    dependencies={["passphrase"]}
                    rules={passphraseAgainRules("passphrase")}
                  >
                    <Input.Password maxLength={256} autoComplete="new-password" data-testid="setup-passphrase2" />
                  </Form.Item>
                </Col>
                <Col span={24}>
                  <Alert
                    type="warning"
                    showIcon
                    message={t("setup.passphrase_warning")}
                    style={{ marginBottom: 16 }}
                    data-testid="setup-passphrase-warning"
                  />
                </Col>
              </Row>
            )}
            {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
            <Button type="primary" size="large" htmlType="submit" loading={busy} data-testid="setup-submit">
              {mode === "create" ? t("setup.submit_create") : t("setup.submit_join")}
            </Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
