/**
 * Internal: histogram bins computed here rather than by vega-lite, so that dates get a calendar
 * unit chosen from their span and grouped bars can be dodged within a bin.
 *
 * @module
 */
import { vega } from "../deps/vega.ts";

/** A calendar unit for date histograms. */
export type DateBin = "day" | "week" | "month" | "quarter" | "year";

/** One bin: its bounds (numbers, or milliseconds since the epoch for dates) and a label. */
export interface Bin {
  start: number;
  end: number;
  label: string;
}

// vega exports vega-statistics' bin() at run time; its typings leave it out.
const vegaBin = (vega as unknown as {
  bin(options: { extent: [number, number]; maxbins: number; minstep?: number }): {
    start: number;
    stop: number;
    step: number;
  };
}).bin;

const DAY = 86_400_000;
const UNITS: readonly DateBin[] = ["day", "week", "month", "quarter", "year"];
const YEAR_STEPS = [1, 2, 5, 10, 20, 50, 100];

/**
 * Equal-width numeric bins with "nice" bounds (vega's binning, as vega-lite's `bin` uses):
 * at most **maxBins**, a step of at least 1 for integers. Every value falls in one bin.
 */
export function numberBins(values: readonly number[], maxBins: number, integer: boolean): Bin[] {
  if (!values.length) return [];
  let min = Infinity, max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const { start, stop, step } = vegaBin({
    extent: [min, max],
    maxbins: maxBins,
    ...(integer ? { minstep: 1 } : {}),
  });
  // Integers: half-open bins [lo, hi) labelled by the whole numbers they hold (15–19), the
  // maximum in a bin of its own; other numbers: the last bin holds its upper bound.
  const count = integer && Number.isInteger(step)
    ? Math.floor((max - start) / step) + 1
    : Math.max(1, Math.round((stop - start) / step));
  const bins: Bin[] = [];
  for (let i = 0; i < count; i++) {
    const lo = round(start + i * step), hi = round(start + (i + 1) * step);
    const label = !integer ? `${lo} – ${hi}` : step === 1 ? `${lo}` : `${lo}–${hi - 1}`;
    bins.push({ start: lo, end: hi, label });
  }
  return bins;
}

/** The index of a value's bin (the last bin holds its upper bound). */
export function binIndex(bins: readonly Bin[], value: number): number {
  if (!bins.length) return -1;
  const step = bins[0].end - bins[0].start;
  const i = Math.floor((value - bins[0].start) / step);
  return Math.min(Math.max(i, 0), bins.length - 1);
}

/**
 * The calendar unit for dates spanning **min** to **max** (ms): the finest of day, week
 * (ISO, from Monday), month, quarter and year that gives at most **maxBars** bars; years are
 * then grouped (2, 5, 10, … years) to stay within it. A 70-year span of dates of birth gets
 * 2-year bars, not ~840 monthly ones.
 */
export function chooseDateBin(min: number, max: number, maxBars: number): DateBin {
  for (const unit of UNITS) {
    if (countUnits(unit, 1, min, max) <= maxBars) return unit;
  }
  return "year";
}

/** Date bins of **unit** covering min..max (ms); years grouped by a step that fits maxBars. */
export function dateBins(unit: DateBin, min: number, max: number, maxBars: number): Bin[] {
  const step = unit === "year"
    ? YEAR_STEPS.find((s) => countUnits("year", s, min, max) <= maxBars) ?? 100
    : 1;
  const bins: Bin[] = [];
  for (let t = floorDate(unit, step, min); t <= max; t = nextDate(unit, step, t)) {
    bins.push({ start: t, end: nextDate(unit, step, t), label: dateLabel(unit, step, t) });
  }
  return bins;
}

/** The index of a date's bin (bins are contiguous, in order). */
export function dateBinIndex(bins: readonly Bin[], ms: number): number {
  let lo = 0, hi = bins.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bins[mid].start <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function countUnits(unit: DateBin, step: number, min: number, max: number): number {
  let n = 0;
  for (let t = floorDate(unit, step, min); t <= max; t = nextDate(unit, step, t)) {
    if (++n > 10_000) break;
  }
  return n;
}

function floorDate(unit: DateBin, step: number, ms: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear(), m = d.getUTCMonth();
  switch (unit) {
    case "day":
      return Date.UTC(y, m, d.getUTCDate());
    case "week": {
      const day = Date.UTC(y, m, d.getUTCDate());
      return day - ((d.getUTCDay() + 6) % 7) * DAY;
    }
    case "month":
      return Date.UTC(y, m, 1);
    case "quarter":
      return Date.UTC(y, m - (m % 3), 1);
    case "year":
      return Date.UTC(y - (((y % step) + step) % step), 0, 1);
  }
}

function nextDate(unit: DateBin, step: number, ms: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear(), m = d.getUTCMonth();
  switch (unit) {
    case "day":
      return ms + DAY;
    case "week":
      return ms + 7 * DAY;
    case "month":
      return Date.UTC(y, m + 1, 1);
    case "quarter":
      return Date.UTC(y, m + 3, 1);
    case "year":
      return Date.UTC(y + step, 0, 1);
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function dateLabel(unit: DateBin, step: number, ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear(), m = d.getUTCMonth();
  const iso = d.toISOString().slice(0, 10);
  switch (unit) {
    case "day":
      return iso;
    case "week":
      return `Week of ${iso}`;
    case "month":
      return `${MONTHS[m]} ${y}`;
    case "quarter":
      return `${y} Q${m / 3 + 1}`;
    case "year":
      return step === 1 ? `${y}` : `${y}–${y + step - 1}`;
  }
}

function round(x: number): number {
  return Number(x.toPrecision(12));
}
