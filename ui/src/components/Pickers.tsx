// Selects over reference data, shared by the intake form, roving intake and the list filters.
import { useMemo } from "react";
import { AutoComplete, Select, Typography } from "antd";
import type { RespondentHint } from "../ipc/types";
import { categoryGroups, categoryMatches, type CategoryOption } from "../lib/categories";
import { useReference, useRespondentHints } from "../lib/queries";
import { useLabels } from "../lib/labels";
import { useDebounced } from "../lib/useDebounced";

type Common = {
  value?: string | null;
  onChange?: (v: string | undefined) => void;
  id?: string;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  "aria-label"?: string;
};

/**
 * The goods/service category (商品/服务类别): options grouped under their headings (商品类, 服务类),
 * which are labels the keyboard passes over and never a value (unless `headings`, for the
 * list's prefix filter). Found by code, name or everyday words (家电, 暖气, 兽药).
 */
export function CategorySelect(props: Common & { headings?: boolean }) {
  const { en, t } = useLabels();
  const ref = useReference();
  const headings = props.headings ?? false;
  const options = useMemo(() => {
    const { groups, loose } = categoryGroups(ref.data?.categories ?? [], en, headings);
    const option = (o: CategoryOption) => ({
      value: o.value,
      label: o.label,
      item: o.item,
      className: o.depth > 0 ? "category-sub" : o.depth < 0 ? "category-heading" : undefined,
    });
    return [...groups.map((g) => ({ label: g.label, title: g.label, options: g.options.map(option) })), ...loose.map(option)];
  }, [ref.data, en, headings]);
  return (
    <Select
      id={props.id}
      aria-label={props["aria-label"]}
      value={props.value ?? undefined}
      onChange={(v: string | undefined) => props.onChange?.(v ?? undefined)}
      options={options}
      showSearch={{
        filterOption: (input, option) => (option && "item" in option ? categoryMatches(option.item, input) : false),
      }}
      allowClear={props.allowClear ?? true}
      placeholder={props.placeholder ?? t("intake.category_ph")}
      style={props.style ?? { width: "100%" }}
      listHeight={360}
      loading={ref.isPending}
      popupMatchSelectWidth={false}
    />
  );
}

export function NatureSelect(props: Common) {
  const { en, t } = useLabels();
  const ref = useReference();
  return (
    <Select
      id={props.id}
      aria-label={props["aria-label"]}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange?.(v ?? undefined)}
      options={(ref.data?.natures ?? []).map((n) => ({ value: n.code, label: en ? n.name_en : n.name_zh }))}
      allowClear={props.allowClear ?? true}
      showSearch={{ optionFilterProp: "label" }}
      placeholder={props.placeholder ?? t("common.select")}
      style={props.style ?? { width: "100%" }}
    />
  );
}

const HINT = "\u0000hint:";

/** A respondent name box that suggests businesses registered before (lookup_respondents). */
export function RespondentNameInput(props: {
  value?: string;
  onChange?: (v: string) => void;
  onPick?: (h: RespondentHint) => void;
  id?: string;
  placeholder?: string;
}) {
  const { t, code } = useLabels();
  const q = useDebounced((props.value ?? "").trim(), 250);
  const hints = useRespondentHints(q);
  const shown = hints.filter((h) => h.name !== props.value);
  // Options are keyed by position, not by name: the list would otherwise make the entry whose
  // name starts with the typed text active by itself, and ↓ would land on the second one.
  const options = shown.map((h, i) => ({
    value: `${HINT}${i}`,
    label: (
      <div className="hint-option">
        <span>{h.name}</span>
        <Typography.Text type="secondary" className="hint-meta">
          {code("respondent_kind", h.kind)} · {t("intake.lookup_cases", { count: h.cases })}
        </Typography.Text>
      </div>
    ),
  }));
  const hint = (v: string) => (v.startsWith(HINT) ? shown[Number(v.slice(HINT.length))] : undefined);
  return (
    <AutoComplete
      id={props.id}
      value={props.value}
      options={options}
      defaultActiveFirstOption={false}
      onChange={(v) => {
        const h = hint(v);
        props.onChange?.(h ? h.name : v);
      }}
      onSelect={(v) => {
        const h = hint(v);
        if (h) props.onPick?.(h);
      }}
      placeholder={props.placeholder}
      style={{ width: "100%" }}
      popupMatchSelectWidth={420}
    />
  );
}
