// The clear "×" of selects, date pickers and inputs is a <button> in antd 6: a Tab stop, and
// Enter on it empties the field the clerk just filled. The keyboard clears with Backspace or
// Delete instead; the mouse still clicks the ×. This takes every such button out of the Tab
// order as it appears.
import { useEffect } from "react";

export const CLEAR_BUTTONS = ".ant-select-clear, .ant-picker-clear, .ant-input-clear-icon";

function untab(root: ParentNode) {
  for (const el of root.querySelectorAll<HTMLElement>(CLEAR_BUTTONS)) {
    if (el.tabIndex !== -1) el.tabIndex = -1;
  }
}

export function useUntabbableClearButtons() {
  useEffect(() => {
    untab(document);
    const obs = new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes) {
          if (!(n instanceof HTMLElement)) continue;
          if (n.matches(CLEAR_BUTTONS)) n.tabIndex = -1;
          else if (n.firstElementChild) untab(n);
        }
    });
    obs.observe(document.body, { childList: true, subtree: true });
    return () => obs.disconnect();
  }, []);
}
