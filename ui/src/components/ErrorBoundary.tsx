import { Component, type ReactNode } from "react";
import { Button, Result } from "antd";
import i18n from "../i18n";

export default class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (this.state.error)
      return (
        <div className="center-screen">
          <Result
            status="error"
            title={i18n.t("app.crashed")}
            subTitle={i18n.t("app.crashed_hint")}
            extra={
              <Button type="primary" onClick={() => window.location.reload()}>
                {i18n.t("app.reload")}
              </Button>
            }
          />
        </div>
      );
    return this.props.children;
  }
}
