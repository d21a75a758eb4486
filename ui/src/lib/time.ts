import dayjs, { type Dayjs } from "dayjs";
import utc from "dayjs/plugin/utc";
import timezone from "dayjs/plugin/timezone";
import "dayjs/locale/zh-cn";
import "dayjs/locale/en";

dayjs.extend(utc);
dayjs.extend(timezone);

/** Stations are in China Standard Time (UTC+8, no daylight saving). */
export const STATION_TZ = "Asia/Shanghai";
const OFFSET_MIN = 8 * 60;

/** An RFC 3339 instant shown in station time. */
export function toLocal(iso: string | null | undefined): Dayjs | null {
  if (!iso) return null;
  const d = dayjs(iso);
  if (!d.isValid()) return null;
  return d.utcOffset(OFFSET_MIN);
}

export function fmtDateTime(iso: string | null | undefined): string {
  return toLocal(iso)?.format("YYYY-MM-DD HH:mm") ?? "";
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  return toLocal(iso)?.format("YYYY-MM-DD") ?? "";
}

/** A picker value (wall-clock time at the station) as an RFC 3339 UTC string. */
export function pickerToIso(d: Dayjs | null | undefined): string | undefined {
  if (!d) return undefined;
  const wall = d.format("YYYY-MM-DDTHH:mm:ss");
  return dayjs
    .utc(wall)
    .subtract(OFFSET_MIN, "minute")
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");
}

/** An RFC 3339 instant as a picker value showing the station's wall-clock time. */
export function isoToPicker(iso: string | null | undefined): Dayjs | undefined {
  const l = toLocal(iso);
  if (!l) return undefined;
  return dayjs(l.format("YYYY-MM-DDTHH:mm:ss"));
}

export function pickerToDate(d: Dayjs | null | undefined): string | undefined {
  return d ? d.format("YYYY-MM-DD") : undefined;
}

/** Current instant, RFC 3339 UTC without milliseconds. */
export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Today's date at the station. */
export function stationToday(): string {
  return dayjs().utcOffset(OFFSET_MIN).format("YYYY-MM-DD");
}

export function setDayjsLocale(lang: string): void {
  dayjs.locale(lang.startsWith("en") ? "en" : "zh-cn");
}

export { dayjs };
