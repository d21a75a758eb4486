// A path field with 选择… beside it: the system's dialog (a folder, or a file with one of
// `extensions`) fills the field, which stays editable (a path can always be typed; where there
// is no dialog, as in a browser, the button says so).
import { App as AntApp, Button, Input, Space } from "antd";
import { FolderOpenOutlined } from "@ant-design/icons";
import { useState } from "react";
import { api } from "../ipc/api";
import { errorText, useLabels } from "../lib/labels";

export function PathInput(props: {
  value: string;
  onChange: (v: string) => void;
  /** The dialog's title. */
  title: string;
  /** A file with one of these extensions; none: a folder. */
  extensions?: string[];
  placeholder?: string;
  disabled?: boolean;
  "aria-label"?: string;
  "data-testid"?: string;
  /** More buttons after 选择… (save, clear). */
  children?: React.ReactNode;
  style?: React.CSSProperties;
}) {
  const { t } = useLabels();
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState(false);
  const browse = async () => {
    setOpen(true);
    try {
      const p = await api.pickPath({ title: props.title, start: props.value.trim() || null, extensions: props.extensions ?? [] });
      if (p) props.onChange(p);
    } catch (e) {
      void message.warning(errorText(e));
    } finally {
      setOpen(false);
    }
  };
  const id = props["data-testid"];
  return (
    <Space.Compact style={{ width: "100%", ...props.style }}>
      <Input
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
        disabled={props.disabled}
        aria-label={props["aria-label"]}
        data-testid={id}
      />
      <Button
        icon={<FolderOpenOutlined />}
        loading={open}
        disabled={props.disabled}
        onClick={() => void browse()}
        data-testid={id ? `${id}-browse` : undefined}
      >
        {t("common.browse")}
      </Button>
      {props.children}
    </Space.Compact>
  );
}
