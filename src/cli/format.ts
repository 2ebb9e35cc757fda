// Number formatting shared by the progress bar, summaries and the benchmark report.

/** 0.9731 -> "97.31%"; null or NaN -> "–". */
export function pct(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)}%`;
}

export function deg(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(digits)}°`;
}

export function fixed(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined ? '–' : Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

/** 12345 -> "12.3k". */
export function compact(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return v.toFixed(0);
}

/** 75 -> "1m15s". */
export function duration(sec: number): string {
  if (!Number.isFinite(sec)) return '–';
  if (sec < 60) return `${sec.toFixed(1)}s`;
  const m = Math.floor(sec / 60);
  const s = Math.round(sec - m * 60);
  if (m < 60) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A learning rate or coefficient as a user would type it: 0.001 -> "1e-3". */
export function sci(v: number): string {
  if (v === 0) return '0';
  const e = Math.floor(Math.log10(Math.abs(v)));
  if (e >= -2 && e <= 3) return String(Number(v.toPrecision(6)));
  const m = Number((v / 10 ** e).toPrecision(6));
  return `${m}e${e}`;
}
