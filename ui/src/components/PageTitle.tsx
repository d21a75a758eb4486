import type { ReactNode } from "react";
import { Typography } from "antd";

export default function PageTitle({ title, extra, sub }: { title: ReactNode; extra?: ReactNode; sub?: ReactNode }) {
  return (
    <div className="page-title">
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {sub && <div className="page-sub">{sub}</div>}
      </div>
      {extra && <div className="page-extra">{extra}</div>}
    </div>
  );
}
