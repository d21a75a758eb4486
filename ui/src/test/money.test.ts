import { describe, expect, it } from "vitest";
import { fenToInput, formatYuan, parseYuan, yuanToFen } from "../lib/money";
import { issuePathToNamePath, namePathToIssuePath } from "../lib/paths";
import { intakeNamePath } from "../lib/intake";

describe("yuan to fen", () => {
  it("converts exactly, without floating point", () => {
    expect(yuanToFen("1,234.56")).toBe(123456);
    expect(yuanToFen("0.1")).toBe(10);
    expect(yuanToFen("0.29")).toBe(29);
    expect(yuanToFen("1.15")).toBe(115);
    expect(yuanToFen("4.35")).toBe(435); // 4.35 * 100 = 434.99999999999994 in floating point
    expect(yuanToFen("￥88")).toBe(8800);
    expect(yuanToFen("¥ 2599")).toBe(259900);
    expect(yuanToFen(".5")).toBe(50);
    expect(yuanToFen("100000000")).toBe(10_000_000_000);
  });

  it("rejects what is not an amount", () => {
    expect(parseYuan("1.234")).toEqual({ ok: false, code: "amount.format" });
    expect(parseYuan("-5")).toEqual({ ok: false, code: "amount.negative" });
    expect(parseYuan("12a")).toEqual({ ok: false, code: "amount.format" });
    expect(parseYuan("")).toEqual({ ok: false, code: "amount.format" });
    expect(parseYuan(".")).toEqual({ ok: false, code: "amount.format" });
    expect(parseYuan("1e3")).toEqual({ ok: false, code: "amount.format" });
    expect(parseYuan("100000000.01")).toEqual({ ok: false, code: "amount.too_large" });
    expect(() => yuanToFen("1.234")).toThrow("amount.format");
  });

  it("formats fen as yuan with two decimals", () => {
    expect(formatYuan(123456)).toBe("1,234.56");
    expect(formatYuan(10)).toBe("0.10");
    expect(formatYuan(0)).toBe("0.00");
    expect(fenToInput(259900)).toBe("2599.00");
  });
});

describe("issue paths", () => {
  it("map to antd name paths and back", () => {
    expect(issuePathToNamePath("complainants[0].phones[0]")).toEqual(["complainants", 0, "phones", 0]);
    expect(issuePathToNamePath("respondents[1].uscc")).toEqual(["respondents", 1, "uscc"]);
    expect(issuePathToNamePath("facts.content")).toEqual(["facts", "content"]);
    expect(namePathToIssuePath(["complainants", 2, "consents", "entrust_mediation"])).toBe("complainants[2].consents.entrust_mediation");
  });

  it("map fen fields and list-level problems of the intake form", () => {
    expect(intakeNamePath("claim_fen")).toEqual(["claim"]);
    expect(intakeNamePath("facts.amount_fen")).toEqual(["facts", "amount"]);
    expect(intakeNamePath("complainants[0].phones")).toEqual(["complainants", 0, "phones", 0]);
    // "At least one" is said at the first row, which the form always has.
    expect(intakeNamePath("complainants")).toEqual(["complainants", 0, "name"]);
    expect(intakeNamePath("collective.representatives")).toEqual(["collective", "representatives"]);
    expect(intakeNamePath("unknown.path")).toBeNull();
  });
});
