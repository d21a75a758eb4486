// The sign-in screen: shown when nobody is signed in on this computer, after "lock", and when the
// desktop locked itself after a while without activity. Switching clerk is signing in here.
import { useState } from "react";
import { Alert, Button, Card, Form, Input, Select, Space, Tag, Typography } from "antd";
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../ipc/api";
import { qk } from "../lib/queries";
import { codeLabel, errorText } from "../lib/labels";
import { fmtDateTime } from "../lib/time";
import LanguageSwitch from "../components/LanguageSwitch";

export default function SignIn({ notice }: { notice?: string | null }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: qk.signInList, queryFn: api.signInList });
  const [staff, setStaff] = useState<string | undefined>(undefined);
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = list.data?.find((s) => s.id === staff);
  // Rust lists a lock-out only while it lasts.
  const lockedUntil = chosen?.locked_until ?? null;

  const submit = async () => {
    if (!staff) return;
    setBusy(true);
    setError(null);
    try {
      const s = await api.signIn(staff, secret);
      setSecret("");
      qc.setQueryData(qk.session, s);
      // Everything the previous member's screens loaded is read again as the new member.
      await qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "session" && q.queryKey[0] !== "reference" });
    } catch (e) {
      setError(errorText(e));
      setSecret("");
      void list.refetch();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="setup-screen" data-testid="sign-in">
      <div className="setup-lang">
        <LanguageSwitch />
      </div>
      <div className="sign-in-inner">
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t("auth.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ fontSize: 15 }}>
          {t("auth.subtitle")}
        </Typography.Paragraph>
        <Card>
          {notice && <Alert type="info" showIcon message={notice} style={{ marginBottom: 16 }} />}
          <Form layout="vertical" onFinish={() => void submit()}>
            <Form.Item label={t("auth.who")} required>
              <Select
                id="sign_in_staff"
                data-testid="sign-in-staff"
                size="large"
                value={staff}
                onChange={(v) => {
                  setStaff(v);
                  setError(null);
                }}
                loading={list.isPending}
                suffixIcon={<UserOutlined />}
                options={(list.data ?? []).map((s) => ({
                  value: s.id,
                  title: s.name,
                  label: (
                    <Space size={8}>
                      <span>{s.name}</span>
                      {s.roles.map((r) => (
                        <Tag key={r} bordered={false}>
                          {codeLabel("staff_role", r)}
                        </Tag>
                      ))}
                    </Space>
                  ),
                }))}
              />
            </Form.Item>
            {chosen && !chosen.has_credential && (
              <Alert type="warning" showIcon message={t("auth.no_credential")} style={{ marginBottom: 16 }} />
            )}
            {lockedUntil && (
              <Alert
                type="warning"
                showIcon
                message={t("auth.locked_until", { time: fmtDateTime(lockedUntil) })}
                style={{ marginBottom: 16 }}
              />
            )}
            <Form.Item label={t("auth.secret")} required>
              <Input.Password
                data-testid="sign-in-secret"
                size="large"
                prefix={<LockOutlined />}
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
                autoComplete="current-password"
                maxLength={128}
                autoFocus
              />
            </Form.Item>
            {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="sign-in-error" />}
            <Button
              type="primary"
              size="large"
              htmlType="submit"
              block
              loading={busy}
              disabled={!staff || !secret}
              data-testid="sign-in-submit"
            >
              {t("auth.sign_in")}
            </Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
