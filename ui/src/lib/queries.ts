// react-query hooks over the IPC api. Views refresh when Rust emits `db-changed`.
import { useQuery } from "@tanstack/react-query";
import { api } from "../ipc/api";

export const qk = {
  station: ["station"] as const,
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
export const useReference = () => useQuery({ queryKey: qk.reference, queryFn: api.reference, staleTime: Infinity });
export const useSettings = () => useQuery({ queryKey: qk.settings, queryFn: api.settingsGet });
export const useSync = () => useQuery({ queryKey: qk.sync, queryFn: api.syncStatus, refetchInterval: 60_000 });
export const useDashboard = () => useQuery({ queryKey: qk.dashboard, queryFn: api.dashboard });
export const useStaff = () => useQuery({ queryKey: qk.staff, queryFn: api.staffList });
export const useRoving = () => useQuery({ queryKey: qk.roving, queryFn: api.rovingList });
// A case is read from the local database in milliseconds: keeping every opened case in memory
// would only make the window grow while a clerk works through a list.
export const useCase = (id: string) => useQuery({ queryKey: qk.case(id), queryFn: () => api.getCase(id), gcTime: 10_000 });
