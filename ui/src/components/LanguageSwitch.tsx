import { Segmented } from "antd";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../ipc/api";
import type { Settings, UiLang } from "../ipc/types";
import i18next, { LANGS } from "../i18n";
import { qk } from "../lib/queries";

/** Switches the UI language at once and keeps the choice with settings_set. */
export async function setLanguage(lang: UiLang, settings: Settings | undefined, save: (s: Settings) => void) {
  await i18next.changeLanguage(lang);
  const base = settings ?? (await api.settingsGet());
  const next = await api.settingsSet({ ...base, lang });
  save(next);
}

export default function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  return (
    <Segmented
      aria-label={t("lang.label")}
      data-testid="lang-switch"
      value={i18n.language}
      options={LANGS.map((l) => ({ value: l, label: t(`lang.${l}`) }))}
      onChange={(v) =>
        void setLanguage(v as UiLang, qc.getQueryData<Settings>(qk.settings), (s) => qc.setQueryData(qk.settings, s)).catch(() => undefined)
      }
    />
  );
}
