// A small dependency-free argument parser. Every mistake becomes a UsageError
// that names the flag and says what to do; the caller turns it into exit code 2.

export class UsageError extends Error {
  constructor(
    /** The flag at fault ("--lr"), or null for a problem with the command itself. */
    readonly flag: string | null,
    problem: string,
  ) {
    super(flag ? `${flag}: ${problem}` : problem);
    this.name = 'UsageError';
  }
}

/** 'value' flags take an argument (`--lr 1e-3` or `--lr=1e-3`); 'switch' flags do not. */
export type FlagKinds = Readonly<Record<string, 'value' | 'switch'>>;

export interface ParsedArgs {
  positionals: string[];
  /** The last value given for each value flag, keyed by name without dashes. */
  values: Map<string, string>;
  switches: Set<string>;
}

/**
 * Parses `argv` against the flags a command accepts. A value flag always takes
 * the next word, so negative numbers (`--lr -1`) reach the validators below
 * instead of being mistaken for flags; only a following `--flag` is refused.
 */
export function parseArgs(argv: readonly string[], kinds: FlagKinds, command: string): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word === '-h') {
      out.switches.add('help');
      continue;
    }
    if (!word.startsWith('--')) {
      if (word.startsWith('-') && word.length > 1 && !isNumeric(word)) {
        throw new UsageError(word, `unknown option. Options start with two dashes; run 'plasticity ${command} --help' for the list.`);
      }
      out.positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.slice(2, eq < 0 ? undefined : eq);
    const kind = kinds[name];
    if (!kind) {
      const near = closest(name, Object.keys(kinds));
      const hint = near ? ` Did you mean --${near}?` : '';
      throw new UsageError(`--${name}`, `unknown option.${hint} Run 'plasticity ${command} --help' for the list.`);
    }
    if (kind === 'switch') {
      if (eq >= 0) throw new UsageError(`--${name}`, `takes no value; write just --${name}.`);
      out.switches.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = word.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    }
    if (value === undefined) throw new UsageError(`--${name}`, `needs a value, e.g. --${name} ${example(name)}.`);
    out.values.set(name, value);
  }
  return out;
}

function isNumeric(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

function example(name: string): string {
  return EXAMPLES[name] ?? 'VALUE';
}

const EXAMPLES: Record<string, string> = {
  dataset: 'mnist',
  rule: 'fa',
  rules: 'bp,fa',
  datasets: 'mnist,fashion-mnist',
  hidden: '256,256',
  epochs: '5',
  seed: '1',
  batch: '128',
  lr: '1e-3',
  coef: 'amp=2e-3,null=1e-3',
  'data-dir': 'public/datasets',
  out: 'bench/results',
};

/** The known name nearest to a mistyped one, if it is close enough to be a typo. */
function closest(name: string, known: string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

// Typed readers: each returns undefined when the flag is absent.

export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean;
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Refuse the value `min` itself (e.g. a learning rate of 0 is accepted, a batch of 0 is not). */
  exclusiveMin?: boolean;
}

export function parseNumber(flag: string, raw: string, rule: NumberRule = {}): number {
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  const what = rule.integer ? 'a whole number' : 'a number';
  const bound = rule.min === undefined ? '' : rule.exclusiveMin ? ` greater than ${rule.min}` : ` of at least ${rule.min}`;
  if (!Number.isFinite(v)) throw new UsageError(flag, `expected ${what}${bound}, got "${raw}".`);
  if (rule.integer && !Number.isInteger(v)) throw new UsageError(flag, `expected ${what}${bound}, got "${raw}".`);
  if (rule.min !== undefined && (rule.exclusiveMin ? !(v > rule.min) : !(v >= rule.min))) {
    throw new UsageError(flag, `must be ${what}${bound} (got ${raw}).`);
  }
  return v;
}

export function numberFlag(args: ParsedArgs, name: string, rule: NumberRule = {}): number | undefined {
  const raw = args.values.get(name);
  return raw === undefined ? undefined : parseNumber(`--${name}`, raw, rule);
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const raw = args.values.get(name);
  if (raw !== undefined && raw.trim() === '') throw new UsageError(`--${name}`, `is empty; give a value, e.g. --${name} ${example(name)}.`);
  return raw;
}

export function choiceFlag<T extends string>(args: ParsedArgs, name: string, options: readonly T[], hint = ''): T | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  if (!options.includes(raw as T)) {
    throw new UsageError(`--${name}`, `unknown value "${raw}". Choose one of: ${options.join(', ')}.${hint}`);
  }
  return raw as T;
}

/** A comma-separated list of choices, e.g. `--rules bp,fa`; duplicates are dropped. */
export function choiceListFlag<T extends string>(args: ParsedArgs, name: string, options: readonly T[]): T[] | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  const items = splitList(raw);
  if (items.length === 0) throw new UsageError(`--${name}`, `is empty; give a comma-separated list, e.g. --${name} ${example(name)}.`);
  for (const item of items) {
    if (!options.includes(item as T)) {
      throw new UsageError(`--${name}`, `unknown value "${item}". Choose from: ${options.join(', ')}.`);
    }
  }
  return [...new Set(items)] as T[];
}

/** Layer sizes, e.g. `--hidden 256,256`: at least one, each a whole number of at least 1. */
export function sizeListFlag(args: ParsedArgs, name: string): number[] | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  const items = splitList(raw);
  if (items.length === 0) throw new UsageError(`--${name}`, `is empty; give one size per hidden layer, e.g. --${name} ${example(name)}.`);
  return items.map((item) => {
    const v = Number(item);
    if (!Number.isInteger(v) || v < 1) {
      throw new UsageError(`--${name}`, `layer sizes must be whole numbers of at least 1 (got "${item}"); e.g. --${name} ${example(name)}.`);
    }
    return v;
  });
}

/** `key=number` pairs, e.g. `--coef amp=2e-3,null=1e-3`. */
export function numberMapFlag(args: ParsedArgs, name: string): Record<string, number> | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  const items = splitList(raw);
  if (items.length === 0) throw new UsageError(`--${name}`, `is empty; give name=value pairs, e.g. --${name} ${example(name)}.`);
  const out: Record<string, number> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${name}`, `"${item}" is not name=value; e.g. --${name} ${example(name)}.`);
    const key = item.slice(0, eq).trim();
    out[key] = parseNumber(`--${name} ${key}`, item.slice(eq + 1));
  }
  return out;
}

function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
