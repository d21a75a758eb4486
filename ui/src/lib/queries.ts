// react-query hooks over the IPC api. Views refresh when Rust emits `db-changed`.
import { useCallback } from "react";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../ipc/api";
import type { CaseDetail, CaseEvent, DuplicateQuery } from "../ipc/types";
import type { TransferKind } from "../bindings";

export const qk = {
  station: ["station"] as const,
  session: ["session"] as const,
  signInList: ["sign-in-list"] as const,
  audit: ["audit"] as const,
  reference: ["reference"] as const,
  settings: ["settings"] as const,
  sync: ["sync"] as const,
  dashboard: ["dashboard"] as const,
  staff: ["staff"] as const,
  roving: ["roving"] as const,
  case: (id: string) => ["case", id] as const,
  cases: ["cases"] as const,
  count: ["count"] as const,
};

export const useStation = () => useQuery({ queryKey: qk.station, queryFn: api.stationInfo });
export const useSession = () => useQuery({ queryKey: qk.session, queryFn: api.sessionInfo, staleTime: Infinity });
export const useAuditLog = () => useQuery({ queryKey: qk.audit, queryFn: api.auditLog });

/** Whether the signed-in member's roles give `perm` (the store checks again on every write). */
export function usePermission(perm: string): boolean {
  const s = useSession();
  return !!s.data?.permissions.some((p) => p === perm);
}
export const useReference = () => useQuery({ queryKey: qk.reference, queryFn: api.reference, staleTime: Infinity });
export const useSettings = () => useQuery({ queryKey: qk.settings, queryFn: api.settingsGet });
export const useSync = () => useQuery({ queryKey: qk.sync, queryFn: api.syncStatus, refetchInterval: 60_000 });
export const useDashboard = () => useQuery({ queryKey: qk.dashboard, queryFn: api.dashboard });
export const useStaff = () => useQuery({ queryKey: qk.staff, queryFn: api.staffList });
/** The units a transfer of `kind` can go to (none for a transfer to a department). */
export const useTransferTargets = (kind: TransferKind | undefined) =>
  useQuery({
    queryKey: ["transfer_targets", kind],
    queryFn: () => api.transferTargets(kind!),
    enabled: !!kind && kind !== "to_department",
  });
export const useRoving = () => useQuery({ queryKey: qk.roving, queryFn: api.rovingList });
// A case is read from the local database in milliseconds: keeping every opened case in memory
// would only make the window grow while a clerk works through a list.
export const useCase = (id: string) => useQuery({ queryKey: qk.case(id), queryFn: () => api.getCase(id), gcTime: 10_000 });

// Look-ups while a clerk types: the last answer stays shown until the next one comes; a failed
// look-up shows nothing (and is not retried).
const lookup = { placeholderData: keepPreviousData, retry: false } as const;

/** Earlier respondents named like `prefix`; none for fewer than two characters. */
export function useRespondentHints(prefix: string) {
  const q = useQuery({
    queryKey: ["respondents", prefix],
    queryFn: () => api.lookupRespondents(prefix),
    enabled: prefix.length >= 2,
    ...lookup,
  });
  return prefix.length >= 2 && !q.isError ? (q.data ?? []) : [];
}

/** Open cases sharing a party with the registration being typed (`key`: the query as JSON). */
export function useDuplicates(key: string, empty: boolean) {
  const q = useQuery({
    queryKey: ["duplicates", key],
    queryFn: () => api.findDuplicates(JSON.parse(key) as DuplicateQuery),
    enabled: !empty,
    ...lookup,
  });
  return !empty && !q.isError ? (q.data ?? []) : [];
}

/** Sends one action on a case (`case_action`): the answer becomes the case's cached detail, and
 *  the other views (list, count, dashboard) refresh. */
export function useCaseAction() {
  const qc = useQueryClient();
  return useCallback(
    async (opId: string, caseId: string, event: CaseEvent): Promise<CaseDetail> => {
      const d = await api.caseAction(opId, caseId, event);
      qc.setQueryData(qk.case(caseId), d);
      void qc.invalidateQueries({
        predicate: (q) => q.queryKey[0] !== "reference" && !(q.queryKey[0] === "case" && q.queryKey[1] === caseId),
      });
      return d;
    },
    [qc],
  );
}
