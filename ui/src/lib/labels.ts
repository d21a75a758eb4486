// Labels for codes and reference data in the current UI language.
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import i18n from "../i18n";
import { CODES, type CaseRow, type CodeTable, type IpcIssue, type Reference, type RuleSet } from "../ipc/types";
import { IPC_FAILED } from "../ipc/api";
import { explain } from "./messages";

export function codeLabel(table: CodeTable, code: string | null | undefined): string {
  if (!code) return "";
  const key = `code.${table}.${code}`;
  return i18n.exists(key) ? i18n.t(key) : code;
}

export function codeOptions(table: CodeTable): { value: string; label: string }[] {
  return (CODES[table] as readonly string[]).map((c) => ({ value: c, label: codeLabel(table, c) }));
}

/** Re-renders with the language and gives label helpers. */
export function useLabels() {
  const { t, i18n: inst } = useTranslation();
  const en = inst.language === "en-US";
  const code = useCallback((table: CodeTable, c: string | null | undefined) => codeLabel(table, c), []);
  const options = useCallback((table: CodeTable) => codeOptions(table), []);
  return { t, en, code, options, lang: inst.language };
}

/** Who a case is listed under, in words: "才让卓玛 等12户", "王秀兰 等3人", or the name alone. */
export function complainantText(row: CaseRow): string {
  if (!row.complainant) return "";
  if (row.collective && row.households) return i18n.t("list.party_households", { name: row.complainant, count: row.households });
  if (row.complainants > 1) return i18n.t("list.party_others", { name: row.complainant, count: row.complainants });
  return row.complainant;
}

/** The respondents' names, joined in the UI language. */
export function respondentsText(row: CaseRow): string {
  return row.respondents.join(i18n.t("list.name_separator"));
}

export function categoryLabel(ref: Reference | undefined, code: string | null | undefined, en: boolean): string {
  if (!code) return "";
  const c = ref?.categories.find((x) => x.code === code);
  return c ? (en ? c.name_en : c.name_zh) : code;
}

export function natureLabel(ref: Reference | undefined, code: string | null | undefined, en: boolean): string {
  if (!code) return "";
  const c = ref?.natures.find((x) => x.code === code);
  return c ? (en ? c.name_en : c.name_zh) : code;
}

export function reasonLabel(
  ref: Reference | undefined,
  table: "not_accept_reasons" | "termination_reasons",
  ruleSet: RuleSet,
  code: string | null | undefined,
  en: boolean,
): string {
  if (!code) return "";
  const r = ref?.[table][ruleSet]?.find((x) => x.code === code);
  return r ? (en ? r.en : r.zh) : code;
}

export function unitLabel(ref: Reference | undefined, code: string | null | undefined, typedName?: string | null): string {
  if (!code) return "";
  const u = ref?.units.find((x) => x.code === code);
  return u ? u.name : typedName ? i18n.t("common.name_code", { name: typedName, code }) : code;
}

/** The message of an issue in the UI language (see lib/messages.ts for the rule). */
export function issueMessage(issue: Pick<IpcIssue, "code" | "arg" | "message">): string {
  return explain(issue);
}

/** Plain words for any error (see lib/messages.ts for the rule). */
export function errorText(e: unknown): string {
  if (e && typeof e === "object" && "code" in e && typeof e.code === "string") {
    const err = e as { code: string; arg?: string; message?: string };
    if (err.code === IPC_FAILED) return i18n.t("error.ipc_failed", { arg: err.message ?? "" });
    return explain(err);
  }
  if (e instanceof Error) return i18n.t("error.ipc_failed", { arg: e.message });
  return i18n.t("error.unknown", { arg: String(e) });
}
