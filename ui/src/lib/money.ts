// Money is integer fen across IPC. Conversion from what a clerk types is done on the decimal
// string, never through floating point (the same rules as casedesk-domain's parse_yuan).

export type YuanError = "amount.format" | "amount.negative" | "amount.too_large";

/** 100 million yuan, in fen: larger amounts are typing errors. */
export const MAX_FEN = 10_000_000_000;

export type YuanResult = { ok: true; fen: number } | { ok: false; code: YuanError };

/** Parses "1,234.56", "￥88", "0.1" into fen. Rejects more than two decimals. */
export function parseYuan(input: string): YuanResult {
  const t = input
    .trim()
    .replace(/^[\u00a5\uffe5]/, "")
    .replace(/[,\uff0c]/g, "")
    .trim();
  if (t === "") return { ok: false, code: "amount.format" };
  if (t.startsWith("-")) return { ok: false, code: "amount.negative" };
  const dot = t.indexOf(".");
  const int = dot < 0 ? t : t.slice(0, dot);
  const frac = dot < 0 ? "" : t.slice(dot + 1);
  if ((int === "" && frac === "") || frac.length > 2) return { ok: false, code: "amount.format" };
  if (!/^\d*$/.test(int) || !/^\d*$/.test(frac)) return { ok: false, code: "amount.format" };
  const intDigits = int.replace(/^0+(?=\d)/, "");
  if (intDigits.length > 9) return { ok: false, code: "amount.too_large" };
  const yuan = intDigits === "" ? 0 : Number.parseInt(intDigits, 10);
  const fracFen = frac.length === 0 ? 0 : frac.length === 1 ? Number.parseInt(frac, 10) * 10 : Number.parseInt(frac, 10);
  const fen = yuan * 100 + fracFen; // both are exact integers far below 2^53
  if (fen > MAX_FEN) return { ok: false, code: "amount.too_large" };
  return { ok: true, fen };
}

/** Like parseYuan, for optional fields: "" is undefined. Throws on invalid input. */
export function yuanToFen(input: string): number {
  const r = parseYuan(input);
  if (!r.ok) throw new Error(r.code);
  return r.fen;
}

/** Formats fen as yuan with two decimals and thousands separators: 123456 → "1,234.56". */
export function formatYuan(fen: number | null | undefined): string {
  const v = fen ?? 0;
  const sign = v < 0 ? "-" : "";
  const a = Math.abs(Math.trunc(v));
  const int = Math.floor(a / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = (a % 100).toString().padStart(2, "0");
  return `${sign}${int}.${frac}`;
}

/** Fen as a plain decimal string for an input box: 123456 → "1234.56". */
export function fenToInput(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return "";
  return formatYuan(fen).replace(/,/g, "");
}
