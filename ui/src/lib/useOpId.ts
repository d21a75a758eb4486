import { useCallback, useMemo, useRef } from "react";
import { newOpId } from "../ipc/api";

/**
 * One op_id per user action: the same payload sent again (a retry after a failure) reuses the
 * op_id, so Rust records it once; a changed payload is a new action and gets a new op_id.
 */
export function useOpId() {
  const ref = useRef<{ id: string; payload: string } | null>(null);
  const get = useCallback((payload: unknown): string => {
    const p = JSON.stringify(payload);
    if (ref.current && ref.current.payload === p) return ref.current.id;
    ref.current = { id: newOpId(), payload: p };
    return ref.current.id;
  }, []);
  const reset = useCallback(() => {
    ref.current = null;
  }, []);
  return useMemo(() => ({ get, reset }), [get, reset]);
}
