// Selects over reference data, shared by the intake form, roving intake and the list filters.
import { useMemo } from "react";
import { AutoComplete, Select, TreeSelect, Typography } from "antd";
import type { Reference, RespondentHint } from "../ipc/types";
import { useReference, useRespondentHints } from "../lib/queries";
import { useLabels } from "../lib/labels";
import { useDebounced } from "../lib/useDebounced";

interface TreeNode {
  value: string;
  title: string;
  children?: TreeNode[];
}

export function categoryTree(ref: Reference | undefined, en: boolean): TreeNode[] {
  const cats = ref?.categories ?? [];
  const build = (parent: string | null): TreeNode[] =>
    cats
      .filter((c) => c.parent === parent)
      .map((c) => {
        const children = build(c.code);
        return { value: c.code, title: en ? c.name_en : c.name_zh, ...(children.length ? { children } : {}) };
      });
  return build(null);
}

type Common = {
  value?: string | null;
  onChange?: (v: string | undefined) => void;
  id?: string;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  "aria-label"?: string;
};

export function CategorySelect(props: Common) {
  const { en, t } = useLabels();
  const ref = useReference();
  const tree = useMemo(() => categoryTree(ref.data, en), [ref.data, en]);
  return (
    <TreeSelect
      id={props.id}
      aria-label={props["aria-label"]}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange?.(v ?? undefined)}
      treeData={tree}
      showSearch
      treeNodeFilterProp="title"
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
  const options = hints
    .filter((h) => h.name !== props.value)
    .map((h) => ({
      value: h.name,
      label: (
        <div className="hint-option">
          <span>{h.name}</span>
          <Typography.Text type="secondary" className="hint-meta">
            {code("respondent_kind", h.kind)} · {t("intake.lookup_cases", { count: h.cases })}
          </Typography.Text>
        </div>
      ),
    }));
  return (
    <AutoComplete
      id={props.id}
      value={props.value}
      options={options}
      onChange={(v) => props.onChange?.(v)}
      onSelect={(v) => {
        const h = hints.find((x) => x.name === v);
        if (h) props.onPick?.(h);
      }}
      placeholder={props.placeholder}
      style={{ width: "100%" }}
      popupMatchSelectWidth={420}
    />
  );
}
