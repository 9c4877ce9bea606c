// UTC calendar periods of the archive policy's cadences (pure): daily, ISO-weekly, monthly and
// yearly periods, and `every` (each instant its own period).
import type { Cadence } from '../contract/policy';
import { DAY_MS } from '../common/time';

/** Start (inclusive) and end (exclusive) of a period. */
export interface PeriodBounds {
  readonly start: Date;
  readonly end: Date;
}

/**
 * The key of the period containing `date`: `2026-11-20` (daily), `2026-W48` (weekly, ISO week-year,
 * so 2027-01-01 is `2026-W53`), `2026-11` (monthly), `2026` (yearly), all in UTC. For `every` each
 * instant is its own period: the ISO timestamp.
 */
export function periodOf(cadence: Cadence, date: Date): string {
  const at = checkedTime(date, 'periodOf');
  const d = new Date(at);
  switch (cadence) {
    case 'every':
      return d.toISOString();
    case 'daily':
      return `${year(d.getUTCFullYear())}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
    case 'weekly': {
      // The ISO week belongs to the year of its Thursday.
      const thursday = new Date(startOfIsoWeek(at) + 3 * DAY_MS);
      const weekYear = thursday.getUTCFullYear();
      const week = Math.floor((thursday.getTime() - utc(weekYear, 0, 1)) / (7 * DAY_MS)) + 1;
      return `${year(weekYear)}-W${two(week)}`;
    }
    case 'monthly':
      return `${year(d.getUTCFullYear())}-${two(d.getUTCMonth() + 1)}`;
    case 'yearly':
      return year(d.getUTCFullYear());
  }
}

/** The period containing `date`: start inclusive, end exclusive. For `every`, the millisecond of `date`. */
export function periodBounds(cadence: Cadence, date: Date): PeriodBounds {
  const at = checkedTime(date, 'periodBounds');
  const d = new Date(at);
  const [start, end] = ((): [number, number] => {
    switch (cadence) {
      case 'every':
        return [at, at + 1];
      case 'daily': {
        const day = utc(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
        return [day, day + DAY_MS];
      }
      case 'weekly': {
        const monday = startOfIsoWeek(at);
        return [monday, monday + 7 * DAY_MS];
      }
      case 'monthly':
        return [utc(d.getUTCFullYear(), d.getUTCMonth(), 1), utc(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
      case 'yearly':
        return [utc(d.getUTCFullYear(), 0, 1), utc(d.getUTCFullYear() + 1, 0, 1)];
    }
  })();
  return { start: new Date(start), end: new Date(end) };
}

/** The start of the period after the one containing `date`. */
export function nextPeriodStart(cadence: Cadence, date: Date): Date {
  return periodBounds(cadence, date).end;
}

function checkedTime(date: Date, caller: string): number {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(time)) throw new RangeError(`${caller} needs a valid Date, got ${String(date)}`);
  return time;
}

function startOfIsoWeek(time: number): number {
  const d = new Date(time);
  const daysSinceMonday = (d.getUTCDay() + 6) % 7;
  return utc(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - daysSinceMonday * DAY_MS;
}

/** Midnight UTC of a calendar day; month and day may overflow as in Date.UTC. Unlike Date.UTC, years 0-99 stay themselves. */
function utc(fullYear: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(fullYear, month, day);
  return d.getTime();
}

function year(value: number): string {
  return String(value).padStart(4, '0');
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}
