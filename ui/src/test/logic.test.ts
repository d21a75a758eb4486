import { describe, expect, it } from "vitest";
import i18n from "../i18n";
import { diffEdits, editIssueNamePath, editValuesOf } from "../pages/EditCase";
import { fieldLabel, fieldValueText } from "../lib/fields";
import type { CaseRegistered } from "../ipc/types";

const reg: CaseRegistered = {
  case_no: "HX0201-2026-A1-00001",
  case_type: "complaint",
  mode: "own",
  received_at: "2026-11-20T02:00:00Z",
  channel: "visit",
  unit: "HX0201",
  complainants: [
    {
      name: "才让卓玛",
      phones: ["13897712345"],
      language: "zh",
      consents: { personal_info: true, publish: false, entrust_mediation: false, share_with_parties: true },
    },
  ],
  respondents: [{ name: "德令哈市高原牧业饲料店", kind: "individual", phone: "" }],
  category: "CCA-G13",
  nature: null,
  facts: { content: "饲料发霉", amount_fen: 120000 },
  requests: ["refund"],
  claim_fen: null,
};

describe("correction diff", () => {
  it("sends nothing for an untouched form", () => {
    const v = editValuesOf(reg);
    expect(diffEdits(v, structuredClone(v), {})).toEqual([]);
  });

  it("sends each changed field once, in the registration's form, based on its last correction", () => {
    const before = editValuesOf(reg);
    const after = structuredClone(before);
    after.complainants[0].phones = ["13897712345", " 0977-8221234 "];
    after.complainants[0].id_number = "  ";
    after.respondents[0].uscc = "92632802MA7XXXXX1";
    after.facts.amount = "1,500.50";
    after.claim = "";
    after.nature = "CCA-N02";
    const heads = { "respondents[0].uscc": "0190e2a4-0000-7000-8000-000000000001" };
    expect(diffEdits(before, after, heads)).toEqual([
      { field: "complainants[0].phones", value: ["13897712345", "0977-8221234"], base: null },
      { field: "respondents[0].uscc", value: "92632802MA7XXXXX1", base: heads["respondents[0].uscc"] },
      { field: "nature", value: "CCA-N02", base: null },
      { field: "facts.amount_fen", value: 150050, base: null },
    ]);
  });

  it("puts Rust's problems beside the form's fields", () => {
    expect(editIssueNamePath("complainants[0].phones[1]")).toEqual(["complainants", 0, "phones"]);
    expect(editIssueNamePath("facts.amount_fen")).toEqual(["facts", "amount"]);
    expect(editIssueNamePath("claim_fen")).toEqual(["claim"]);
    expect(editIssueNamePath("respondents[1].phone")).toEqual(["respondents", 1, "phone"]);
  });
});

describe("field names for people", () => {
  it("names registration paths and shows values in words", async () => {
    await i18n.changeLanguage("zh-CN");
    const t = i18n.t.bind(i18n);
    expect(fieldLabel("respondents[0].phone", t)).toBe("被投诉人 1 · 联系电话");
    expect(fieldLabel("complainants[1].id_number", t)).toBe("投诉人 2 · 证件号码");
    expect(fieldLabel("facts.amount_fen", t)).toBe("涉及金额");
    expect(fieldLabel("no.such", t)).toBe("no.such");
    expect(fieldValueText("claim_fen", 150050, t)).toBe("1,500.50 元");
    expect(fieldValueText("complainants[0].phones", ["1", "2"], t)).toBe("1、2");
    expect(fieldValueText("respondents[0].phone", "", t)).toBe("（空）");
  });
});
