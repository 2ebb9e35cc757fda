// What the <plasticity-lab> element reads from its attributes: the preset (a lesson, a
// lesson step or a share link), the controls shown, where the datasets are, and the page's
// theme moved onto the element. Pure: no DOM, so it is tested in Node.
import { DEFAULT_EXPERIMENT, type Experiment } from '../experiment/experiment';
import { decodeExperiment } from '../experiment/share-link';
import { LESSONS } from '../lessons/catalogue';

export const CONTROLS = ['full', 'minimal', 'none'] as const;
/** full: every setting; minimal: play, pause, step and reset; none: the charts only (so it plays by itself). */
export type Controls = (typeof CONTROLS)[number];

export interface EmbedPreset {
  /** Always valid: what the preset asked for, with what could not be used at its default. */
  experiment: Experiment;
  /** One sentence per thing in the attribute that was not used, for the embedding page's author. */
  problems: string[];
}

/** A lesson id, then optionally ':' and a 0-based step, as share links write them (weight-transport:1). */
const LESSON_PRESET = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?::(\d+))?$/;

/**
 * The experiment a `preset` attribute names: nothing (the default experiment), a lesson id
 * (its first step), a lesson id and a 0-based step ('weight-transport:1', the second step),
 * or a share link's query or fragment ('v=1&h=128&r=fa', with or without a leading '#' or '?').
 * Never throws.
 */
export function readPreset(preset: string | null | undefined): EmbedPreset {
  const text = (preset ?? '').trim();
  if (text === '') return { experiment: DEFAULT_EXPERIMENT, problems: [] };
  if (/^[#?]/.test(text) || text.includes('=')) {
    const { experiment, problems } = decodeExperiment(text);
    return { experiment, problems };
  }
  const m = LESSON_PRESET.exec(text);
  if (!m) {
    return fallback(`preset="${clip(text)}" is neither a lesson id (such as ${LESSONS[0]!.id}), a lesson step (${LESSONS[0]!.id}:1) nor a share link (v=1&…).`);
  }
  const lesson = LESSONS.find((l) => l.id === m[1]);
  if (!lesson) return fallback(`preset="${clip(text)}" names no lesson; the lessons are ${LESSONS.map((l) => l.id).join(', ')}.`);
  const step = m[2] === undefined ? 0 : Number(m[2]);
  const s = lesson.steps[step];
  if (!s) {
    return {
      experiment: lesson.steps[0]!.preset,
      problems: [`preset="${clip(text)}": "${lesson.id}" has steps 0 to ${lesson.steps.length - 1} (counted from 0, as in share links), so its first step is shown.`],
    };
  }
  return { experiment: s.preset, problems: [] };
}

/** The `controls` attribute, 'full' when absent; an unknown value is 'full' with a problem. */
export function readControls(value: string | null | undefined): { controls: Controls; problem: string | null } {
  const v = (value ?? '').trim();
  if (v === '') return { controls: 'full', problem: null };
  if ((CONTROLS as readonly string[]).includes(v)) return { controls: v as Controls, problem: null };
  return { controls: 'full', problem: `controls="${clip(v)}" is not one of ${CONTROLS.join(', ')}; full controls are shown.` };
}

/**
 * Where the datasets are by default: next to the script's folder. The embed build puts the
 * element in embed/ and public/datasets in datasets/, both under the site's folder, so from
 * the script it is ../datasets/; Vite's dev server serves public/ at its root.
 */
export function defaultDatasetsUrl(moduleUrl: string, dev: boolean): string {
  return new URL(dev ? '/datasets/' : '../datasets/', moduleUrl).href;
}

/**
 * The page's theme (theme.css) for a shadow root: its :root rules on :host, so the palette
 * and its dark variant follow the element (data-theme="dark" or "light" on it pins one).
 */
export function hostTheme(sheet: string): string {
  return sheet
    .replace(/:root:not\((\[[^\]]*\])\)/g, ':host(:not($1))')
    .replace(/:root(\[[^\]]*\])/g, ':host($1)')
    .replace(/:root\b/g, ':host');
}

function fallback(problem: string): EmbedPreset {
  return { experiment: DEFAULT_EXPERIMENT, problems: [`${problem} The default experiment is shown.`] };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
