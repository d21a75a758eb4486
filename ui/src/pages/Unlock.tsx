// The unlock screen: the station file is encrypted with a key derived from the station
// passphrase (no system keyring on this computer), so nothing opens until it is typed. A wrong
// passphrase opens nothing and says how many tries are left; after five, each try waits.
import { useState } from "react";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { LockOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../ipc/api";
import { errorText } from "../lib/labels";
import LanguageSwitch from "../components/LanguageSwitch";

export const dbLockKey = ["db-lock"] as const;

export default function Unlock({ waitSecs }: { waitSecs: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [passphrase, setPassphrase] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(waitSecs > 0 ? t("unlock.wait", { secs: waitSecs }) : null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await api.dbUnlock(passphrase);
      setPassphrase("");
      qc.setQueryData(dbLockKey, s);
      // The database is open now: everything is read again.
      await qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== dbLockKey[0] });
    } catch (e) {
      setError(errorText(e));
      setPassphrase("");
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="setup-screen" data-testid="unlock">
      <div className="setup-lang">
        <LanguageSwitch />
      </div>
      <div className="sign-in-inner">
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t("unlock.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ fontSize: 15 }}>
          {t("unlock.subtitle")}
        </Typography.Paragraph>
        <Card>
          <Form layout="vertical" onFinish={() => void submit()}>
            <Form.Item label={t("unlock.passphrase")} required extra={t("unlock.help")}>
              <Input.Password
                data-testid="unlock-passphrase"
                size="large"
                prefix={<LockOutlined />}
                value={passphrase}
                onChange={(e) => setPassphrase(e.target.value)}
                autoComplete="current-password"
                maxLength={256}
                autoFocus
              />
            </Form.Item>
            {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="unlock-error" />}
            <Button type="primary" size="large" htmlType="submit" block loading={busy} disabled={!passphrase} data-testid="unlock-submit">
              {t("unlock.open")}
            </Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
