// Sign-in, lock, switching clerk and the reveal of a masked number, over the mock backend.
import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import App from "../App";
import CaseDetailPage from "../pages/CaseDetail";
import { installBackend, renderRoute } from "./render";

async function chooseStaff(name: string) {
  const user = userEvent.setup();
  const select = await screen.findByTestId("sign-in-staff");
  await user.click(within(select).getByRole("combobox"));
  const options = await screen.findAllByText(name);
  await user.click(options[options.length - 1]);
  return user;
}

describe("sign-in and lock", () => {
  it("locks on demand, refuses a wrong PIN with the tries left, and lets another clerk in", { timeout: 60_000 }, async () => {
    const { backend } = installBackend({ seed: "demo" });
    // A clerk with a PIN.
    const head = backend.db.staff[0];
    backend.db.staff.push({ id: "clerk-1", unit: head.unit, name: "小王", roles: ["clerk"], phone: "", languages: ["zh"], active: true });
    backend.db.secrets = { ...backend.db.secrets, "clerk-1": "2580" };
    render(<App />);
    expect(await screen.findByTestId("dashboard")).toBeInTheDocument();
    expect(screen.getByTestId("signed-in-as")).toHaveTextContent(head.name);

    await userEvent.click(screen.getByTestId("lock"));
    expect(await screen.findByTestId("sign-in")).toBeInTheDocument();
    expect(screen.queryByTestId("dashboard")).toBeNull();
    expect(backend.db.session).toBeNull();

    const user = await chooseStaff("小王");
    await user.type(screen.getByTestId("sign-in-secret"), "0000");
    await user.click(screen.getByTestId("sign-in-submit"));
    expect(await screen.findByTestId("sign-in-error")).toHaveTextContent("再错 4 次");

    await user.type(screen.getByTestId("sign-in-secret"), "2580");
    await user.click(screen.getByTestId("sign-in-submit"));
    expect(await screen.findByTestId("dashboard")).toBeInTheDocument();
    expect(screen.getByTestId("signed-in-as")).toHaveTextContent("小王");
  });

  it("shows the sign-in screen when Rust answers auth.required", async () => {
    const { backend } = installBackend({ seed: "demo" });
    render(<App />);
    expect(await screen.findByTestId("dashboard")).toBeInTheDocument();
    // Rust locked itself (idle time): the next query is refused.
    backend.db.session = null;
    await userEvent.click(screen.getByText("案件列表"));
    expect(await screen.findByTestId("sign-in")).toBeInTheDocument();
  });
});

describe("masked numbers", () => {
  it("shows them masked; the head reveals one, which is recorded; a clerk has no button", async () => {
    const { backend } = installBackend({ seed: "demo" });
    const c = backend.db.cases.find((x) => x.reg.complainants[0]?.phones[0] && x.reg.complainants[0]?.id_number);
    if (!c) throw new Error("the demo desk has a case with an ID number and a phone");
    const phone = c.reg.complainants[0].phones[0];
    renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    const field = await screen.findByTestId("masked-complainants[0].phones[0]");
    expect(field).not.toHaveTextContent(phone);
    expect(field.textContent).toContain("****");
    expect(screen.getByTestId("masked-complainants[0].id_number").textContent).toContain("********");
    await userEvent.click(await screen.findByTestId("reveal-complainants[0].phones[0]"));
    await waitFor(() => expect(screen.getByTestId("masked-complainants[0].phones[0]")).toHaveTextContent(phone));
    expect(screen.getByTestId("masked-complainants[0].phones[0]")).toHaveTextContent("已记录查看");
    const log = backend.db.audit ?? [];
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: "reveal", case_id: c.id, detail: "complainants[0].phones[0]", actor: backend.db.session });
  });

  it("offers no reveal to a clerk", async () => {
    const { backend } = installBackend({ seed: "demo" });
    const head = backend.db.staff[0];
    backend.db.staff.push({ id: "clerk-1", unit: head.unit, name: "小王", roles: ["clerk"], phone: "", languages: ["zh"], active: true });
    backend.db.session = "clerk-1";
    const c = backend.db.cases.find((x) => x.reg.complainants[0]?.phones[0]);
    if (!c) throw new Error("a case with a phone");
    renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    await screen.findByTestId("masked-complainants[0].phones[0]");
    expect(screen.queryByTestId("reveal-complainants[0].phones[0]")).toBeNull();
  });
});
