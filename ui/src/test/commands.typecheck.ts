// Type-level tests of the command map generated from casedesk-ipc's command list
// (src/bindings/commands.ts). Nothing here runs: `tsc` (npm run typecheck, npm run build) checks
// that every line marked @ts-expect-error is an error, and fails when one stops being one.
import { call } from "../ipc/api";
import type { Command } from "../bindings/commands";

export async function commandMapIsEnforced(): Promise<number> {
  // @ts-expect-error: a command Rust does not declare (a renamed or removed command).
  await call("list_case", { q: { limit: 10 } });
  // @ts-expect-error: an argument under another name than Rust's (list_cases takes `q`).
  await call("list_cases", { query: { limit: 10 } });
  // @ts-expect-error: a command with an argument, called without it.
  await call("get_case");
  // @ts-expect-error: an argument for a command that takes none.
  await call("dashboard", { q: { limit: 10 } });
  // @ts-expect-error: the argument's own type is Rust's (ListQuery needs a limit).
  await call("count_cases", { q: {} });
  // @ts-expect-error: results are typed too (count_cases answers a number).
  const wrong: string = await call("count_cases", { q: { limit: 10 } });
  void wrong;
  // @ts-expect-error: the list of names has only Rust's commands.
  const unknown: Command = "list_case";
  void unknown;
  const detail = await call("get_case", { id: "HX0201-2026-A1-00001" });
  const page = await call("list_cases", { q: { limit: 10, sort: "deadline" } });
  return detail.allowed.length + page.rows.length + (await call("count_cases", { q: { limit: 1 } }));
}
