import "@testing-library/jest-dom/vitest";
import { afterEach, vi } from "vitest";
import { cleanup, configure } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import "../i18n";

// One patience for every findBy/waitFor: the suite runs its files in parallel on two cores,
// where one antd form validation alone can take seconds (a wait still fails when the thing
// never appears).
configure({ asyncUtilTimeout: 15000 });

// jsdom lacks a few browser APIs that antd and the charts touch.
if (!window.matchMedia) {
  Object.defineProperty(window, "matchMedia", {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: vi.fn(),
      removeListener: vi.fn(),
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      dispatchEvent: vi.fn(),
    }),
  });
}
if (!window.ResizeObserver) {
  window.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
if (!Reflect.has(Element.prototype, "scrollIntoView")) Element.prototype.scrollIntoView = () => undefined;
if (!Reflect.has(Element.prototype, "scrollTo")) Element.prototype.scrollTo = () => undefined;
const origGetComputedStyle = window.getComputedStyle.bind(window);
window.getComputedStyle = (elt: Element, pseudo?: string | null) => origGetComputedStyle(elt, pseudo ?? undefined);

afterEach(() => {
  cleanup();
  clearMocks();
});
