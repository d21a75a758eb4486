import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import zhCN from "./zh-CN";
import enUS from "./en-US";
import { setDayjsLocale } from "../lib/time";
import type { UiLang } from "../ipc/types";

export const LANGS: UiLang[] = ["zh-CN", "en-US"];
export const resources = { "zh-CN": { translation: zhCN }, "en-US": { translation: enUS } } as const;

void i18n.use(initReactI18next).init({
  resources,
  lng: "zh-CN",
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  react: { useSuspense: false },
});
setDayjsLocale("zh-CN");
i18n.on("languageChanged", (lng) => {
  setDayjsLocale(lng);
  if (typeof document !== "undefined") document.documentElement.lang = lng;
});

export function currentLang(): UiLang {
  return i18n.language === "en-US" ? "en-US" : "zh-CN";
}

export default i18n;
