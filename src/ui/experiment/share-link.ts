// Share links: an experiment as a short query (`v=1&h=512,256&r=fa`), and back.
// The keys and their text forms are in link-fields.ts; version 0 is in legacy-link.ts.
// Pure: no DOM, so a Web Worker and tests can use it.
import { DEFAULT_EXPERIMENT, type Experiment, NETWORK_KINDS, type NetworkKind, settingOf, validateExperiment } from './experiment';
import { legacyKey, LEGACY_VERSION } from './legacy-link';
import { fieldByKey, fieldBySetting, KIND_FIELD, KIND_KEY, LINK_BASELINES, LINK_FIELDS, type LinkField, LinkValueError } from './link-fields';

/** The version this page writes; it reads this one and every older one. */
export const LINK_VERSION = 1;
/** Far above any experiment's link (a few hundred characters at most); a longer one is not read at all. */
export const MAX_LINK_LENGTH = 2000;
/** Longer than any setting's text (8 layer sizes, 6 rule ids, 8 views). */
export const MAX_VALUE_LENGTH = 200;
/** Rounds of resetting settings that do not work together; each round resets at least one, and there are fewer settings than this. */
const MAX_REPAIRS = 32;

export interface DecodedLink {
  /** Always valid: what the link asked for, with each setting that could not be used at its default. */
  experiment: Experiment;
  /** One sentence per setting that was not used as given, for the person who opened the link. */
  problems: string[];
  /** The link version it was read as (0: the run form's old query). */
  version: number;
}

/**
 * `e` as a query without its '?' (put it after '?' or '#'): the version, then each setting
 * that differs from the baseline of `e`'s network kind, in the key table's order.
 * `e` should be valid (validateExperiment); an invalid one is written as it is and repaired when read.
 */
export function encodeExperiment(e: Experiment): string {
  const kind: NetworkKind = e.network === 'spiking' ? 'spiking' : 'rate';
  const baseline = LINK_BASELINES[kind];
  const parts = [`v=${LINK_VERSION}`];
  if (kind !== 'rate') parts.push(`${KIND_KEY}=${kind}`);
  for (const f of LINK_FIELDS) {
    if (!f.same(e, baseline)) parts.push(`${f.key}=${escapeValue(f.write(e))}`);
  }
  return parts.join('&');
}

/**
 * Reads a link's query or fragment (a leading '?' or '#' is skipped). Never throws: a setting
 * that is malformed, out of range or at odds with the others falls back to its default, with
 * a problem saying so, and the rest of the link is kept.
 */
export function decodeExperiment(search: string): DecodedLink {
  try {
    return decodeLink(search);
  } catch (err) {
    // No known link gets here; the page must still open, whatever it is given.
    return wholeLinkFailure(`This link could not be read (${String(err)})`, LINK_VERSION);
  }
}

interface Given {
  /** The key as it stood in the link (a version-0 name, say). */
  key: string;
  value: string;
}

function decodeLink(search: string): DecodedLink {
  const text = search.replace(/^[?#]/, '');
  if (text.length > MAX_LINK_LENGTH) {
    return wholeLinkFailure(`This link is ${text.length} characters long, more than the ${MAX_LINK_LENGTH} any experiment needs, so it was not read`, LINK_VERSION);
  }
  const byKey = groupPairs(text);
  const problems: string[] = [];

  const version = readVersion(byKey.get('v'), problems);
  if (version > LINK_VERSION) {
    return wholeLinkFailure(
      `This link was made by a newer version of Plasticity Lab (link version ${version}; this page reads up to ${LINK_VERSION}). Reload the page to get the newest version`,
      version,
    );
  }

  // Each known setting's text, once; everything else is reported and dropped.
  const given = new Map<LinkField, Given>();
  const refused: Array<{ f: LinkField; why: (baseline: Experiment) => string }> = [];
  for (const [key, values] of byKey) {
    if (key === 'v') continue;
    const f = fieldByKey(version === LEGACY_VERSION ? (legacyKey(key) ?? '') : key);
    const value = values[0];
    if (!f) {
      problems.push(`The link's "${clip(key)}" (${pairText(key, value)}) is no setting this page knows, so it was ignored.`);
    } else if (values.length > 1) {
      const all = values.map((v) => pairText(key, v)).join(', ');
      refused.push({ f, why: (b) => `${f.label} is given ${values.length} times (${all}); a link gives each setting once. Using the default, ${f.describe(b)}.` });
    } else if (value === null) {
      refused.push({ f, why: (b) => `${f.label} (${clip(key)}) is not valid URL encoding. Using the default, ${f.describe(b)}.` });
    } else if (value.length > MAX_VALUE_LENGTH) {
      refused.push({ f, why: (b) => `${f.label} (${clip(key)}) is ${value.length} characters long, more than the ${MAX_VALUE_LENGTH} a setting may have. Using the default, ${f.describe(b)}.` });
    } else {
      given.set(f, { key, value });
    }
  }

  // The network kind first: it picks the baseline every other setting departs from.
  const kind = readKind(given.get(KIND_FIELD), problems);
  const baseline = LINK_BASELINES[kind];
  for (const r of refused) problems.push(r.why(r.f === KIND_FIELD ? LINK_BASELINES.rate : baseline));
  let e = baseline;
  for (const f of LINK_FIELDS) {
    const g = given.get(f);
    if (g === undefined) continue;
    try {
      e = f.read(e, g.value);
    } catch (err) {
      if (!(err instanceof LinkValueError)) throw err;
      problems.push(problemText(f, g, err.message, baseline));
    }
  }
  return { experiment: repair(e, baseline, given, problems), problems, version };
}

/** Resets, round by round, each setting validateExperiment finds fault with, until none is left. */
function repair(start: Experiment, baseline: Experiment, given: ReadonlyMap<LinkField, Given>, problems: string[]): Experiment {
  let e = start;
  for (let round = 0; round < MAX_REPAIRS; round++) {
    const found = validateExperiment(e);
    if (found.length === 0) return e;
    const reset = new Set<LinkField>();
    for (const p of found) {
      const f = fieldBySetting(settingOf(p.field));
      // One problem per setting: the first says enough. A setting at its default cannot be at fault.
      if (f === undefined || reset.has(f) || f.same(e, baseline)) continue;
      reset.add(f);
      problems.push(problemText(f, given.get(f), p.message, baseline));
      e = f.copy(e, baseline);
    }
    if (reset.size === 0) {
      problems.push(`The link's settings do not work together (${found[0].field} ${found[0].message}); the default experiment is shown instead.`);
      return baseline;
    }
  }
  problems.push("The link's settings do not work together; the default experiment is shown instead.");
  return baseline;
}

/** 0 when the link has no `v` (the run form's old query). */
function readVersion(values: Array<string | null> | undefined, problems: string[]): number {
  if (values === undefined) return LEGACY_VERSION;
  const v = values[0];
  if (values.length === 1 && v !== null && /^\d+$/.test(v)) return Number(v);
  // A link with a `v` comes from a page that writes versions; reading it as this one's keeps most of it.
  const shown = values.map((x) => pairText('v', x)).join(', ');
  problems.push(`The link version (${shown}) is not one whole number; the link is read as version ${LINK_VERSION}.`);
  return LINK_VERSION;
}

function readKind(g: Given | undefined, problems: string[]): NetworkKind {
  if (g === undefined) return 'rate';
  const kind = g.value.trim();
  if ((NETWORK_KINDS as readonly string[]).includes(kind)) return kind as NetworkKind;
  problems.push(problemText(KIND_FIELD, g, `unknown network kind "${clip(kind)}". Choose one of: ${NETWORK_KINDS.join(', ')}.`, LINK_BASELINES.rate));
  return 'rate';
}

function problemText(f: LinkField, g: Given | undefined, message: string, baseline: Experiment): string {
  const where = g === undefined ? f.label : `${f.label} (${pairText(g.key, g.value)})`;
  return `${where}: ${message} Using the default, ${f.describe(baseline)}.`;
}

function wholeLinkFailure(reason: string, version: number): DecodedLink {
  return { experiment: DEFAULT_EXPERIMENT, problems: [`${reason}; the default experiment is shown instead.`], version };
}

/** key → its values in link order (null where the value's %-escapes are broken); empty parts are skipped. */
function groupPairs(text: string): Map<string, Array<string | null>> {
  const out = new Map<string, Array<string | null>>();
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const key = unescapeValue(rawKey) ?? rawKey;
    const value = unescapeValue(eq < 0 ? '' : part.slice(eq + 1));
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

/** As URLSearchParams reads a query ('+' is a space), so version-0 links read as the run form read them. */
function unescapeValue(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** encodeURIComponent, leaving the list separators ',' and ':' readable (both are allowed in a query). */
function escapeValue(s: string): string {
  return encodeURIComponent(s).replace(/%2C/g, ',').replace(/%3A/g, ':');
}

function pairText(key: string, value: string | null): string {
  return value === null ? `${clip(key)}=(bad encoding)` : `${clip(key)}=${clip(value)}`;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
