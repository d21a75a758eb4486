// Category search: the same rule as casedesk-domain's `find_categories` (every word is part of
// the code, a label or an everyday search term, or holds a Chinese term: 饲料兽药 finds 兽药).
import type { CategoryItem } from "../bindings";

export function categoryMatches(c: CategoryItem, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  return words.every((w) => wordMatches(c, w));
}

function wordMatches(c: CategoryItem, w: string): boolean {
  const has = (s: string) => s.toLowerCase().includes(w);
  return (
    has(c.code) ||
    has(c.name_zh) ||
    has(c.name_en) ||
    c.terms_en.some(has) ||
    c.terms_zh.some((t) => has(t) || ([...t].length >= 2 && w.includes(t)))
  );
}

export interface CategoryOption {
  value: string;
  label: string;
  /** Depth under its heading: 0 for a top category, 1 for a sub-category. */
  depth: number;
  item: CategoryItem;
}

export interface CategoryGroup {
  label: string;
  code: string;
  options: CategoryOption[];
}

/**
 * The categories as groups under their headings (商品类, 服务类), in table order; categories
 * without a heading (其他商品和服务) follow, outside any group (`loose`). With
 * `headings`, a heading is also an option of its group (the list filters by prefix).
 */
export function categoryGroups(cats: CategoryItem[], en: boolean, headings = false): { groups: CategoryGroup[]; loose: CategoryOption[] } {
  const name = (c: CategoryItem) => (en ? c.name_en : c.name_zh);
  const children = (code: string) => cats.filter((c) => c.parent === code);
  const below = (code: string, depth: number): CategoryOption[] =>
    children(code).flatMap((c) => [{ value: c.code, label: name(c), depth, item: c }, ...below(c.code, depth + 1)]);
  const groups: CategoryGroup[] = [];
  const loose: CategoryOption[] = [];
  for (const root of cats.filter((c) => c.parent === null)) {
    if (root.group) {
      const head = headings ? [{ value: root.code, label: name(root), depth: -1, item: root }] : [];
      groups.push({ label: name(root), code: root.code, options: [...head, ...below(root.code, 0)] });
    } else {
      loose.push({ value: root.code, label: name(root), depth: 0, item: root }, ...below(root.code, 1));
    }
  }
  return { groups, loose };
}
