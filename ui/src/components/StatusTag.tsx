import { Tag } from "antd";
import type { Status } from "../ipc/types";
import { useLabels } from "../lib/labels";

const COLORS: Record<Status, string> = {
  registered: "gold",
  accepted: "blue",
  mediating: "processing",
  agreed: "cyan",
  transferred: "purple",
  not_accepted: "default",
  terminated: "orange",
  closed: "green",
  voided: "default",
};

export default function StatusTag({ status }: { status: Status }) {
  const { code } = useLabels();
  return (
    <Tag
      color={COLORS[status]}
      className="status-tag"
      title={code("status", status)}
      style={{ marginInlineEnd: 0, textDecoration: status === "voided" ? "line-through" : undefined }}
    >
      {code("status", status)}
    </Tag>
  );
}
