// Names and display values of registration fields, by their path in the registration
// ("respondents[0].phone", "facts.amount_fen"): used where a correction or a conflict between
// corrections is shown to a person instead of the raw path and JSON.
import type { TFunction } from "i18next";
import { formatYuan } from "./money";

const COMPLAINANT: Record<string, string> = {
  name: "intake.name",
  id_type: "intake.id_type",
  id_number: "intake.id_number",
  phones: "intake.phones",
  contact_person: "intake.contact_person",
  address: "intake.address",
  village: "intake.village",
  language: "intake.language",
  representative: "intake.representative",
};

const RESPONDENT: Record<string, string> = {
  name: "intake.resp_name",
  kind: "intake.resp_kind",
  uscc: "intake.uscc",
  address: "intake.resp_address",
  contact: "intake.resp_contact",
  phone: "intake.resp_phone",
};

const TOP: Record<string, string> = {
  category: "intake.category",
  nature: "intake.nature",
  channel: "intake.channel",
  requests: "intake.requests",
  request_text: "intake.request_text",
  claim_fen: "intake.claim",
  collective: "intake.collective",
  "collective.households": "intake.households",
  facts: "intake.section_facts",
  "facts.content": "intake.content",
  "facts.place": "intake.place",
  "facts.occurred_on": "intake.occurred_on",
  "facts.amount_fen": "intake.amount",
};

/** "被投诉人 1 · 联系电话" for "respondents[0].phone"; the path itself when it is unknown. */
export function fieldLabel(path: string, t: TFunction): string {
  const m = /^(complainants|respondents)\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (m) {
    const n = Number(m[2]) + 1;
    const who = m[1] === "complainants" ? t("intake.complainant_n", { n }) : t("intake.respondent_n", { n });
    const leaf = m[3] ? (m[1] === "complainants" ? COMPLAINANT : RESPONDENT)[m[3]] : undefined;
    return leaf ? `${who} · ${t(leaf)}` : who;
  }
  const key = TOP[path];
  return key ? t(key) : path;
}

/** A field's value as a person reads it: amounts in yuan, lists joined, empty shown as such. */
export function fieldValueText(path: string, v: unknown, t: TFunction): string {
  if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) return t("edit.empty_value");
  if (path.endsWith("_fen") && typeof v === "number") return t("common.yuan_value", { value: formatYuan(v) });
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(t("app.list_sep"));
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}
