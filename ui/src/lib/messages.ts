// The one rule for messages: every error and issue code is translated from Rust's message table,
// ui/src/bindings/messages.data.ts (generated from casedesk_domain::messages::MESSAGES and
// casedesk_ipc::error::IPC_MESSAGES), with `{0}` replaced by the error's or issue's `arg`. A
// code the table does not know shows the `message` Rust sent (already in the UI language).
// The i18n resources hold only the UI's own texts.
import i18n from "../i18n";
import { MESSAGES, type MessageCode } from "../bindings/messages.data";

export type { MessageCode };

/** Whether `code` is in Rust's message table. */
export function isMessageCode(code: string): code is MessageCode {
  return Object.prototype.hasOwnProperty.call(MESSAGES, code);
}

/** The text of a message code in the UI language. */
export function messageText(code: MessageCode, arg = ""): string {
  const texts = MESSAGES[code];
  return (i18n.language === "en-US" ? texts.en : texts.zh).replaceAll("{0}", arg);
}

/** Plain words for an error or an issue: its code from the table, else Rust's message, else the code. */
export function explain(m: { code: string; arg?: string; message?: string }): string {
  if (isMessageCode(m.code)) return messageText(m.code, m.arg ?? "");
  return m.message || m.code;
}
