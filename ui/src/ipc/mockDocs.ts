// The documents (文书) in browser mode: which documents a case's state offers (the rules of
// casedesk_domain::document::available_documents, checked against Rust's case pages in
// src/test/desk.test.ts) and the numbers they get. Browser mode has no typesetter: a
// preview is an SVG sheet naming the document, its number and the case, so the panel can be
// developed and tested without the desktop; the real pages come from casedesk-docs.
import i18n from "../i18n";
import type { CaseState } from "./types";
import type { DocKind, DocOffer, Recipient } from "../bindings";

export function availableDocuments(s: CaseState): DocOffer[] {
  if (s.status === "voided") return [];
  const out: DocOffer[] = [];
  const offer = (kind: DocKind, subject: string | null, recipients: Recipient[]) =>
    out.push({
      kind,
      subject,
      recipients,
      issued: s.documents.filter((d) => d.kind === kind && (d.subject ?? null) === subject).map((d) => d.number),
    });
  offer("registration", null, ["archive", "complainant"]);
  if (s.status === "registered" && s.reg.case_type === "complaint") offer("correction", null, ["complainant"]);
  if (s.accepted_at) offer("acceptance", null, ["complainant", "respondent"]);
  if (s.not_accepted) offer("non_acceptance", null, ["complainant"]);
  for (const v of s.sessions) if (v.scheduled) offer("mediation_notice", v.id, ["complainant", "respondent"]);
  for (const v of s.sessions) if (v.recorded) offer("mediation_record", v.id, ["archive", "parties"]);
  if (s.agreement) offer("agreement", null, ["parties"]);
  if (s.termination) offer("termination", null, ["complainant", "respondent"]);
  for (const t of s.transfers) offer("transfer", t.transfer, ["unit"]);
  if (s.follow_ups.length > 0) offer("follow_up", null, ["archive"]);
  return out;
}

/** The word of a kind in the number (`OWN_PATTERN`: `{abbr}{word}〔{year}〕第 {device}-{n} 号`). */
const WORD: Record<DocKind, string> = {
  registration: "登",
  acceptance: "受",
  non_acceptance: "不受",
  correction: "补",
  mediation_notice: "调通",
  mediation_record: "调录",
  agreement: "调",
  termination: "终",
  transfer: "转",
  follow_up: "访",
};

export function docNumber(abbr: string, kind: DocKind, year: string, device: string, n: number): string {
  return `${abbr}${WORD[kind]}〔${year}〕第 ${device}-${n} 号`;
}

function esc(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] ?? c);
}

/** An A4 sheet (SVG data URL) naming the document: browser mode's stand-in for a typeset page. */
export function mockPage(kind: DocKind, number: string, caseNo: string, unitName: string): string {
  const title = i18n.t(`code.doc_kind.${kind}`);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="595" height="842" viewBox="0 0 595 842">` +
    `<rect width="595" height="842" fill="#fff"/>` +
    `<text x="297" y="110" font-size="26" text-anchor="middle" font-family="serif">${esc(title)}</text>` +
    `<text x="297" y="150" font-size="14" text-anchor="middle" font-family="serif">${esc(number)}</text>` +
    `<text x="70" y="220" font-size="14" font-family="serif">${esc(caseNo)}</text>` +
    `<text x="525" y="760" font-size="14" text-anchor="end" font-family="serif">${esc(unitName)}</text>` +
    `</svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
