// Renders the app (or one route) against the mock backend installed with mockIPC.
import type { ReactElement } from "react";
import { act, fireEvent, render } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { mockIPC } from "@tauri-apps/api/mocks";
import i18n from "../i18n";
import { Providers, makeQueryClient } from "../App";
import { MockBackend, type MockOptions } from "../ipc/mock";
import type { IpcErrorShape } from "../ipc/types";

/** A rejection as Rust sends it (what a test's override throws in place of the backend). */
export function rustError(e: IpcErrorShape): IpcErrorShape {
  return e;
}

/** Installs a fresh mock backend; `override` may answer a command first (return undefined to pass). */
export function installBackend(opts: MockOptions = { seed: "demo" }, override?: (cmd: string, args: Record<string, unknown>) => unknown) {
  const backend = new MockBackend(opts);
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC(
    (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: a });
      if (override) {
        const r = override(cmd, a);
        if (r !== undefined) return r;
      }
      return backend.handler(cmd, a);
    },
    { shouldMockEvents: true },
  );
  return { backend, calls };
}

export function renderRoute(path: string, pattern: string, element: ReactElement) {
  void i18n.changeLanguage("zh-CN");
  const client = makeQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: Infinity, refetchOnWindowFocus: false } });
  return render(
    <Providers client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path={pattern} element={element} />
          <Route path="*" element={<div data-testid="elsewhere" />} />
        </Routes>
      </MemoryRouter>
    </Providers>,
  );
}

const KEYS: Record<string, number> = { Enter: 13, ArrowDown: 40, ArrowUp: 38, Tab: 9, Escape: 27 };

/** A key as a browser sends it (with keyCode/which, which rc-select reads; user-event leaves it 0). */
export function press(el: Element, key: string) {
  act(() => {
    fireEvent.keyDown(el, { key, keyCode: KEYS[key], which: KEYS[key] });
    fireEvent.keyUp(el, { key, keyCode: KEYS[key], which: KEYS[key] });
  });
}
