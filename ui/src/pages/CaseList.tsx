import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Alert, Button, Checkbox, DatePicker, Empty, Input, Select, Space, Spin, Tag, Tooltip, Typography, type InputRef } from "antd";
import { ExclamationCircleOutlined, SearchOutlined, WarningOutlined } from "@ant-design/icons";
import { keepPreviousData, useInfiniteQuery, useQuery, type QueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { NavigationType, useLocation, useNavigate, useNavigationType, useSearchParams } from "react-router";
import { api } from "../ipc/api";
import type { CaseRow, Channel, ListQuery, Status } from "../ipc/types";
import { categoryLabel, codeOptions, complainantText, errorText, respondentsText, useLabels } from "../lib/labels";
import { useReference } from "../lib/queries";
import { useDebounced } from "../lib/useDebounced";
import { dayjs, fmtDate, fmtDateTime } from "../lib/time";
import PageTitle from "../components/PageTitle";
import LedgerButton from "./LedgerExport";
import StatusTag from "../components/StatusTag";
import DeadlineText from "../components/DeadlineText";
import { CategorySelect, NatureSelect } from "../components/Pickers";

export const PAGE_SIZE = 100;
export const ROW_HEIGHT = 52;
/** Pause before the search text is written to the URL (WebKit limits history writes). */
const URL_DEBOUNCE_MS = 400;
/** Fetch the next page when fewer than this many pixels are left below the view. */
const PREFETCH_PX = ROW_HEIGHT * 20;

interface Filters {
  text: string;
  status: Status[];
  category?: string;
  nature?: string;
  channel?: Channel;
  range: [string, string] | null;
  overdue: boolean;
  collective: boolean;
  sort: "received" | "deadline";
  /** The query behind a report figure (the 统计 screen's links: `?rq=<json>`), beside the
   * filters above, which narrow it further. */
  report?: Partial<ListQuery>;
}

function reportFromUrl(p: URLSearchParams): Partial<ListQuery> | undefined {
  const raw = p.get("rq");
  if (!raw) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === "object" ? v : undefined;
  } catch {
    return undefined;
  }
}

function filtersFromUrl(p: URLSearchParams): Filters {
  return {
    text: p.get("q") ?? "",
    status: (p.get("status")?.split(",").filter(Boolean) ?? []) as Status[],
    category: p.get("category") ?? undefined,
    nature: p.get("nature") ?? undefined,
    channel: (p.get("channel") as Channel) ?? undefined,
    range: p.get("from") && p.get("to") ? [p.get("from")!, p.get("to")!] : null,
    overdue: p.get("overdue") === "1",
    collective: p.get("collective") === "1",
    sort: p.get("sort") === "deadline" ? "deadline" : "received",
    report: reportFromUrl(p),
  };
}

function filtersToUrl(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.text) p.set("q", f.text);
  if (f.status.length) p.set("status", f.status.join(","));
  if (f.category) p.set("category", f.category);
  if (f.nature) p.set("nature", f.nature);
  if (f.channel) p.set("channel", f.channel);
  if (f.range) {
    p.set("from", f.range[0]);
    p.set("to", f.range[1]);
  }
  if (f.overdue) p.set("overdue", "1");
  if (f.collective) p.set("collective", "1");
  if (f.sort !== "received") p.set("sort", f.sort);
  if (f.report) p.set("rq", JSON.stringify(f.report));
  return p;
}

export function toQuery(f: Filters, text: string): Omit<ListQuery, "after" | "limit"> {
  const own = ownQuery(f, text);
  if (!f.report) return own;
  // A report's query, narrowed by whatever the list's own filters set.
  const { after: _a, limit: _l, ...report } = f.report;
  const out: Record<string, unknown> = { ...report };
  for (const [k, v] of Object.entries(own)) {
    const unset = v === null || v === undefined || v === false || (Array.isArray(v) && v.length === 0);
    if (!unset || !(k in out)) out[k] = v;
  }
  return out;
}

function ownQuery(f: Filters, text: string): Omit<ListQuery, "after" | "limit"> {
  return {
    text: text.trim() || null,
    status: f.status,
    category: f.category ?? null,
    nature: f.nature ?? null,
    channel: f.channel ?? null,
    received_from: f.range?.[0] ?? null,
    received_to: f.range?.[1] ?? null,
    overdue: f.overdue,
    collective: f.collective ? true : null,
    sort: f.sort,
  };
}

/** The list query and its cache settings, shared by the page and the prefetch. */
function listQuery(base: Omit<ListQuery, "after" | "limit">) {
  return {
    queryKey: ["cases", base] as const,
    queryFn: ({ pageParam }: { pageParam: string | null }) => api.listCases({ ...base, after: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last: { next: string | null }) => last.next,
    // The unfiltered first page is kept (it is small) so that opening the list shows rows at once.
    gcTime: 10 * 60_000,
  };
}

/** Loads the unfiltered first page ahead of time (the list then opens with its rows). */
export function prefetchCaseList(qc: QueryClient): Promise<void> {
  return qc.prefetchInfiniteQuery(listQuery(toQuery(filtersFromUrl(new URLSearchParams()), "")));
}

/**
 * The list's columns for the width it has: every column fits at 1024×768 (the deadline and the
 * category stay visible), the status column is wider for English labels, and below
 * `WIDE_TABLE` px the received time is a date and the deadline is shorter.
 */
export const WIDE_TABLE = 1090;
export function listColumns(width: number, en: boolean): string {
  const status = en ? (width >= WIDE_TABLE ? 150 : 136) : width >= WIDE_TABLE ? 92 : 84;
  return width >= WIDE_TABLE
    ? `176px ${status}px 128px minmax(104px,0.8fr) minmax(140px,2fr) minmax(110px,1.2fr) 180px`
    : `164px ${status}px 88px minmax(64px,0.8fr) minmax(90px,1.6fr) minmax(80px,1fr) 128px`;
}

/** The width of an element, followed as it changes. */
function useWidth(ref: React.RefObject<HTMLElement | null>, initial: number): number {
  const [w, setW] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setW(el.clientWidth || initial);
    const ro = new ResizeObserver(() => setW(el.clientWidth || initial));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, initial]);
  return w;
}

export default function CaseList() {
  const { t, en } = useLabels();
  const tableRef = useRef<HTMLDivElement>(null);
  const tableWidth = useWidth(tableRef, 1200);
  const COLS = listColumns(tableWidth, en);
  const compact = tableWidth < WIDE_TABLE;
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { pathname, search } = useLocation();
  const [f, setF] = useState<Filters>(() => filtersFromUrl(params));
  const ref = useReference();
  const navType = useNavigationType();
  // The search box takes the keyboard when the list is shown. Not with `autoFocus`: the list
  // is also rendered hidden behind other screens, and would take the focus from the form the
  // clerk is typing in (effects run only while the list is shown).
  const searchRef = useRef<InputRef>(null);
  useEffect(() => {
    if (pathname === "/cases") searchRef.current?.focus({ preventScroll: true });
  }, [pathname]);
  // The search follows the typing, without a pause: a search takes a few milliseconds. Text
  // still being composed in an input method (pinyin before it becomes 汉字) is not searched.
  const composing = useRef(false);
  const [text, setText] = useState(f.text);
  useEffect(() => {
    // Filters replaced from outside the box (a link, "clear filters").
    if (!composing.current) setText(f.text);
  }, [f.text]);
  const urlText = useDebounced(text, URL_DEBOUNCE_MS);

  // The URL keeps the filters, so that going back from a case returns to the same list (the
  // router reads them on that navigation). It is written straight into the history entry,
  // not through the router, which would re-render the whole app on every search; and only
  // when it changes, with the debounced text: WebKit throws SecurityError after 100
  // history.replaceState calls in 10 s, which opening cases quickly would otherwise reach.
  const url = useMemo(() => filtersToUrl({ ...f, text: urlText }).toString(), [f, urlText]);
  const urlRef = useRef(url);
  urlRef.current = url;
  useEffect(() => {
    if (pathname !== "/cases") return; // hidden behind another screen
    const hash = `#${pathname}${url ? `?${url}` : ""}`;
    if (window.location.hash !== hash) window.history.replaceState(window.history.state, "", hash);
  }, [url, pathname]);
  // The page stays mounted between visits (AppLayout). A link that carries filters (the
  // dashboard's "see all overdue") replaces the current ones; the plain menu entry keeps them,
  // and so does going back (the list as it was is newer than its history entry, which is
  // written after a pause).
  useEffect(() => {
    if (pathname !== "/cases" || !search || navType === NavigationType.Pop) return;
    const incoming = new URLSearchParams(search);
    if (incoming.toString() !== urlRef.current) setF(filtersFromUrl(incoming));
  }, [pathname, search, navType]);

  const base = useMemo(() => toQuery(f, text), [f, text]);
  // While a new search runs, the previous rows stay (no blank list between two results).
  const list = useInfiniteQuery({ ...listQuery(base), placeholderData: keepPreviousData });
  const count = useQuery({
    queryKey: ["count", base],
    queryFn: () => api.countCases({ ...base, limit: PAGE_SIZE }),
    staleTime: 30_000,
    // Counting can take a while on a large station: the rows come first.
    enabled: list.data !== undefined && !list.isPlaceholderData,
  });

  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.rows) ?? [], [list.data]);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The app is not built with the React Compiler; this rule only says the compiler would skip
  // this component because useVirtualizer returns functions it cannot memoize.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virt = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1000, height: 600 },
  });

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const maybeFetch = useCallback(() => {
    const el = scrollRef.current;
    if (!el || !hasNextPage || isFetchingNextPage) return;
    const left = el.scrollHeight - el.scrollTop - el.clientHeight;
    if (left < PREFETCH_PX) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  // Also when the last rendered row comes near the end (fast scrolling, tall windows).
  const items = virt.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (lastIndex >= rows.length - 20 && hasNextPage && !isFetchingNextPage && rows.length > 0) void fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [base]);

  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setF((old) => ({ ...old, [k]: v }));
  const filtered = f.text || f.status.length || f.category || f.nature || f.channel || f.range || f.overdue || f.collective || f.report;

  const open = (r: CaseRow) => void navigate(`/cases/${r.id}`);

  return (
    <div className="page case-list" data-testid="case-list">
      <PageTitle
        title={t("list.title")}
        extra={
          <Space size={16}>
            <Typography.Text type="secondary" data-testid="list-total">
              {count.data === undefined ? t("list.counting") : t("list.total", { count: count.data })}
            </Typography.Text>
            <LedgerButton />
          </Space>
        }
      />
      <div className="filters">
        <Input
          allowClear
          size="large"
          prefix={<SearchOutlined />}
          placeholder={t("list.search_ph")}
          value={f.text}
          onChange={(e) => {
            set("text", e.target.value);
            if (!composing.current) setText(e.target.value);
          }}
          onCompositionStart={() => {
            composing.current = true;
          }}
          onCompositionEnd={(e) => {
            composing.current = false;
            setText(e.currentTarget.value);
          }}
          data-testid="list-search"
          className="search-box"
          ref={searchRef}
        />
        <Space wrap size={[12, 12]} className="filter-row">
          <Select
            mode="multiple"
            allowClear
            placeholder={t("list.status")}
            style={{ minWidth: 180 }}
            maxTagCount="responsive"
            value={f.status}
            onChange={(v) => set("status", v)}
            options={codeOptions("status")}
            aria-label={t("list.status")}
          />
          <CategorySelect
            headings
            value={f.category}
            onChange={(v) => set("category", v)}
            placeholder={t("list.category")}
            style={{ width: 190 }}
            aria-label={t("list.category")}
          />
          <NatureSelect
            value={f.nature}
            onChange={(v) => set("nature", v)}
            placeholder={t("list.nature")}
            style={{ width: 140 }}
            aria-label={t("list.nature")}
          />
          <Select
            allowClear
            placeholder={t("list.channel")}
            style={{ width: 150 }}
            value={f.channel}
            onChange={(v) => set("channel", v)}
            options={codeOptions("channel")}
            aria-label={t("list.channel")}
          />
          <DatePicker.RangePicker
            value={f.range ? [dayjs(f.range[0]), dayjs(f.range[1])] : null}
            onChange={(v) => set("range", v && v[0] && v[1] ? [v[0].format("YYYY-MM-DD"), v[1].format("YYYY-MM-DD")] : null)}
            style={{ width: 250 }}
            aria-label={t("list.received")}
          />
          <Checkbox checked={f.overdue} onChange={(e) => set("overdue", e.target.checked)}>
            {t("list.overdue_only")}
          </Checkbox>
          <Checkbox checked={f.collective} onChange={(e) => set("collective", e.target.checked)}>
            {t("list.collective_only")}
          </Checkbox>
          <Select
            value={f.sort}
            onChange={(v) => set("sort", v)}
            style={{ width: 160 }}
            options={[
              { value: "received", label: t("list.sort_received") },
              { value: "deadline", label: t("list.sort_deadline") },
            ]}
            aria-label={t("list.sort")}
          />
          {f.report && (
            <Tag closable color="blue" onClose={() => set("report", undefined)} data-testid="report-filter">
              {t("list.report_filter")}
            </Tag>
          )}
          {filtered && (
            <Button type="link" onClick={() => setF({ ...filtersFromUrl(new URLSearchParams()) })}>
              {t("list.clear_filters")}
            </Button>
          )}
        </Space>
      </div>

      {list.isError && (
        <Alert
          type="error"
          showIcon
          message={t("app.load_failed")}
          description={errorText(list.error)}
          action={<Button onClick={() => void list.refetch()}>{t("app.retry")}</Button>}
        />
      )}

      <div className="vtable" role="table" aria-rowcount={count.data ?? rows.length} ref={tableRef}>
        <div className="vtable-head" role="row" style={{ gridTemplateColumns: COLS }}>
          {(["no", "status", "received", "complainant", "respondent", "category", "deadline"] as const).map((k) => (
            <div role="columnheader" key={k} title={t(`list.col_${k}`)} data-testid={`col-${k}`}>
              {t(`list.col_${k}`)}
            </div>
          ))}
        </div>
        <div
          className={`vtable-body${list.isPlaceholderData ? " stale" : ""}`}
          aria-busy={list.isFetching}
          ref={scrollRef}
          onScroll={maybeFetch}
          data-testid="list-scroll"
        >
          {list.isPending ? (
            <div className="vtable-empty">
              <Spin />
            </div>
          ) : rows.length === 0 ? (
            <div className="vtable-empty">
              <Empty
                description={
                  <>
                    <div className="empty-title">{filtered ? t("list.empty") : t("list.empty_all")}</div>
                    <div className="empty-hint">{filtered ? t("list.empty_hint") : t("list.empty_all_hint")}</div>
                  </>
                }
              />
            </div>
          ) : (
            <div style={{ height: virt.getTotalSize(), position: "relative" }}>
              {items.map((vi) => {
                const r = rows[vi.index];
                return (
                  <div
                    key={r.id}
                    role="row"
                    tabIndex={0}
                    className={`vtable-row${vi.index % 2 ? " odd" : ""}`}
                    style={{ gridTemplateColumns: COLS, height: ROW_HEIGHT, transform: `translateY(${vi.start}px)` }}
                    onClick={() => open(r)}
                    onKeyDown={(e) => e.key === "Enter" && open(r)}
                    data-testid="case-row"
                  >
                    <div role="cell" className="case-no">
                      {r.no}
                      {(r.flags & 1) !== 0 && (
                        <Tooltip title={t("list.flag_anomaly")}>
                          <WarningOutlined className="flag warn" />
                        </Tooltip>
                      )}
                      {(r.flags & 2) !== 0 && (
                        <Tooltip title={t("list.flag_conflict")}>
                          <ExclamationCircleOutlined className="flag err" />
                        </Tooltip>
                      )}
                    </div>
                    <div role="cell">
                      <StatusTag status={r.status} />
                    </div>
                    <div role="cell" className="muted" title={fmtDateTime(r.received_at)}>
                      {compact ? fmtDate(r.received_at) : fmtDateTime(r.received_at)}
                    </div>
                    <div role="cell" className="ellipsis" title={complainantText(r)}>
                      {complainantText(r) || <span className="muted">{t("list.anonymous")}</span>}
                      {r.collective && <Tag className="mini-tag">{t("list.collective_tag", { count: r.households ?? 0 })}</Tag>}
                    </div>
                    <div role="cell" className="ellipsis" title={respondentsText(r)}>
                      {respondentsText(r) || "—"}
                    </div>
                    <div role="cell" className="ellipsis muted" title={categoryLabel(ref.data, r.category, en)}>
                      {categoryLabel(ref.data, r.category, en) || "—"}
                    </div>
                    <div role="cell" className="deadline-cell">
                      <DeadlineText d={r.deadline} compact={compact} />
                    </div>
                  </div>
                );
              })}
            </div>
          )}
        </div>
        <div className="vtable-foot">
          <Typography.Text type="secondary">
            {isFetchingNextPage
              ? t("list.loading_more")
              : rows.length > 0 && !hasNextPage
                ? t("list.end")
                : rows.length > 0
                  ? t("list.loaded", { count: rows.length })
                  : ""}
          </Typography.Text>
        </div>
      </div>
    </div>
  );
}
