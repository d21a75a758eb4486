// The first head of a station where no one has a password on this computer (set up before staff
// accounts existed): shown instead of the sign-in screen, before anything else. The head named
// here (a head already registered, or a new name) gets a password and is signed in; from then on
// the station opens only through sign-in.
import { useState } from "react";
import { Alert, App as AntApp, Button, Card, Form, Input, Typography } from "antd";
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, IpcError } from "../ipc/api";
import type { StaffLogin } from "../bindings";
import { qk } from "../lib/queries";
import { errorText, issueMessage } from "../lib/labels";
import { messageText } from "../lib/messages";
import LanguageSwitch from "../components/LanguageSwitch";

interface Values {
  name: string;
  secret: string;
  secret2: string;
}

export default function FirstHead({ staff }: { staff: StaffLogin[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heads = staff.filter((s) => s.roles.includes("head") || s.roles.includes("admin")).map((s) => s.name);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const s = await api.firstHead(v.name.trim(), v.secret);
      void message.success(t("first_head.done", { name: s.staff.name }));
      qc.setQueryData(qk.session, s);
      await qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "session" && q.queryKey[0] !== "reference" });
    } catch (e) {
      if (e instanceof IpcError && e.issues.length) {
        form.setFields(e.issues.map((i) => ({ name: i.path as keyof Values, errors: [issueMessage(i)] })));
      }
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="setup-screen" data-testid="first-head">
      <div className="setup-lang">
        <LanguageSwitch />
      </div>
      <div className="sign-in-inner">
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t("first_head.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ fontSize: 15 }}>
          {t("first_head.subtitle")}
        </Typography.Paragraph>
        <Card>
          {heads.length > 0 && (
            <Alert
              type="info"
              showIcon
              message={t("first_head.existing", { names: heads.join(t("app.list_sep")) })}
              style={{ marginBottom: 16 }}
            />
          )}
          <Form<Values> form={form} layout="vertical" requiredMark onFinish={(v) => void submit(v)} name="first-head">
            <Form.Item
              name="name"
              label={t("first_head.name")}
              extra={t("first_head.name_help")}
              rules={[{ required: true, whitespace: true, message: messageText("required") }]}
            >
              <Input size="large" prefix={<UserOutlined />} maxLength={40} autoFocus data-testid="first-head-name" />
            </Form.Item>
            <Form.Item
              name="secret"
              label={t("first_head.secret")}
              extra={t("setup.staff_secret_help")}
              rules={[{ required: true, message: messageText("required") }]}
            >
              <Input.Password
                size="large"
                prefix={<LockOutlined />}
                maxLength={128}
                autoComplete="new-password"
                data-testid="first-head-secret"
              />
            </Form.Item>
            <Form.Item
              name="secret2"
              label={t("first_head.secret2")}
              dependencies={["secret"]}
              rules={[
                { required: true, message: messageText("required") },
                ({ getFieldValue }) => ({
                  validator: (_, v) =>
                    v === getFieldValue("secret") ? Promise.resolve() : Promise.reject(new Error(t("setup.secret_mismatch"))),
                }),
              ]}
            >
              <Input.Password
                size="large"
                prefix={<LockOutlined />}
                maxLength={128}
                autoComplete="new-password"
                data-testid="first-head-secret2"
              />
            </Form.Item>
            {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="first-head-error" />}
            <Button type="primary" size="large" htmlType="submit" block loading={busy} data-testid="first-head-submit">
              {t("first_head.submit")}
            </Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
