import { Tooltip, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { DeadlineView } from "../ipc/types";

/** A deadline: date, then 剩N天 / 今天到期 / 已超期 (red), and 暂定 when provisional. */
export default function DeadlineText({
  d,
  showKind = false,
  compact = false,
}: {
  d: DeadlineView | null;
  showKind?: boolean;
  /** Month and day only (the full date in a tooltip), for narrow lists. */
  compact?: boolean;
}) {
  const { t } = useTranslation();
  if (!d) return <Typography.Text type="secondary">—</Typography.Text>;
  const rel = d.overdue
    ? t("deadline.overdue_days", { count: -d.days_left })
    : d.days_left === 0
      ? t("deadline.today")
      : t("deadline.days_left", { count: d.days_left });
  const urgent = d.overdue ? "danger" : d.days_left <= 3 ? "warning" : undefined;
  return (
    <span className="deadline">
      {showKind && <Typography.Text type="secondary">{t(`code.deadline_kind.${d.kind}`)} </Typography.Text>}
      <span className="deadline-date" title={compact ? d.date : undefined}>
        {compact ? d.date.slice(5) : d.date}
      </span>{" "}
      <Typography.Text type={urgent} strong={!!d.overdue}>
        {rel}
      </Typography.Text>
      {d.provisional && (
        <Tooltip title={t("deadline.provisional_help")}>
          <Typography.Text type="secondary" className="provisional">
            {" "}
            {t("deadline.provisional_tag")}
          </Typography.Text>
        </Tooltip>
      )}
    </span>
  );
}
