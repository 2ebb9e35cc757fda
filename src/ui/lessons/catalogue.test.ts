import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isStdpRule, type SpikingRule } from '../../engine/spiking/config';
import { type Experiment, LIMITS, toSpikingConfig, toTrainConfig, validateExperiment } from '../experiment/experiment';
import { decodeExperiment, encodeExperiment, LINK_VERSION } from '../experiment/share-link';
import { findLesson, findLessonStep, LESSONS, MEASUREMENTS } from './catalogue';
import { LESSON_LEVELS, LESSON_TEXT_LIMITS, type LessonStep, sentenceCount } from './lesson';

/** A lesson link stays short enough to read aloud, paste in a chat or print on a handout. */
const MAX_PRESET_LINK = 200;
/** Training examples a step may ask a laptop for, summed over compared runs and epochs. */
const MAX_WORK = { mnist: 150_000, spiking: 20_000, plane: 300_000 } as const;

const steps: Array<[string, LessonStep, string, number]> = LESSONS.flatMap((l) => l.steps.map((s, i) => [`${l.id} step ${i}: ${s.title}`, s, l.id, i] as [string, LessonStep, string, number]));

/** The rules a preset trains: its own, or each compared one. */
const runsOf = (e: Experiment): readonly string[] => (e.compare.length > 0 ? e.compare : [e.rule]);

describe('the catalogue', () => {
  it('has at least five lessons of at least two steps each', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(5);
    for (const l of LESSONS) expect(l.steps.length, l.id).toBeGreaterThanOrEqual(2);
  });

  it('gives every lesson a unique, link-safe id', () => {
    const ids = LESSONS.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(id.length).toBeLessThanOrEqual(LIMITS.maxLessonIdLength);
      expect(encodeURIComponent(id)).toBe(id);
    }
  });

  it('finds each lesson and step by its place, and nothing else', () => {
    for (const l of LESSONS) {
      expect(findLesson(l.id)).toBe(l);
      l.steps.forEach((s, step) => expect(findLessonStep({ id: l.id, step })).toBe(s));
      expect(findLessonStep({ id: l.id, step: l.steps.length })).toBeUndefined();
      expect(findLessonStep({ id: l.id, step: 0.5 })).toBeUndefined();
    }
    expect(findLesson('no-such-lesson')).toBeUndefined();
    expect(findLessonStep({ id: 'no-such-lesson', step: 0 })).toBeUndefined();
  });

  it('gives every lesson a title, summary and level within bounds', () => {
    for (const l of LESSONS) {
      const t = LESSON_TEXT_LIMITS;
      expect(l.title.length, l.id).toBeGreaterThanOrEqual(t.title.min);
      expect(l.title.length, l.id).toBeLessThanOrEqual(t.title.max);
      expect(l.summary.length, l.id).toBeGreaterThanOrEqual(t.summary.min);
      expect(l.summary.length, l.id).toBeLessThanOrEqual(t.summary.max);
      expect(LESSON_LEVELS).toContain(l.level);
      const titles = l.steps.map((s) => s.title);
      expect(new Set(titles).size, l.id).toBe(titles.length);
    }
  });

  it('is frozen, so a page cannot change a preset by accident', () => {
    expect(Object.isFrozen(LESSONS)).toBe(true);
    for (const [, s] of steps) {
      expect(Object.isFrozen(s)).toBe(true);
      expect(Object.isFrozen(s.preset)).toBe(true);
      expect(Object.isFrozen(s.preset.compare)).toBe(true);
      expect(Object.isFrozen(s.preset.lesson)).toBe(true);
    }
  });
});

describe.each(steps)('%s', (_name, s, id, index) => {
  const e = s.preset;

  it('knows its place in its lesson', () => {
    expect(e.lesson).toEqual({ id, step: index });
  });

  it('is a valid experiment the engine accepts, for its rule and every compared one', () => {
    expect(validateExperiment(e)).toEqual([]);
    for (const rule of new Set([e.rule, ...e.compare])) {
      if (e.network === 'rate') expect(() => toTrainConfig(e, rule)).not.toThrow();
      else expect(() => toSpikingConfig(e, rule)).not.toThrow();
    }
  });

  it('round-trips through a short share link', () => {
    const link = encodeExperiment(e);
    expect(decodeExperiment(link)).toStrictEqual({ experiment: e, problems: [], version: LINK_VERSION });
    expect(link).toContain(`l=${id}:${index}`);
    expect(link.length, link).toBeLessThan(MAX_PRESET_LINK);
  });

  it('keeps its texts within bounds, with a question and a separate answer', () => {
    const t = LESSON_TEXT_LIMITS;
    for (const k of ['title', 'text', 'watch', 'question', 'answer'] as const) {
      const v = s[k].trim();
      expect(v, k).toBe(s[k]);
      expect(v.length, `${k}: ${v}`).toBeGreaterThanOrEqual(t[k].min);
      expect(v.length, `${k}: ${v}`).toBeLessThanOrEqual(t[k].max);
      expect(v, k).not.toMatch(/\$\{|undefined|NaN%|\b(e\.g|i\.e)\./);
    }
    const n = sentenceCount(s.text);
    expect(n, s.text).toBeGreaterThanOrEqual(t.text.minSentences);
    expect(n, s.text).toBeLessThanOrEqual(t.text.maxSentences);
    expect(s.question).toMatch(/\?$/);
    expect(s.answer).not.toBe(s.question);
  });

  it('shows views that its runs can fill', () => {
    expect(e.views.length).toBeGreaterThan(0);
    const plane = e.dataset !== 'mnist' && e.dataset !== 'fashion-mnist';
    // The decision boundary is drawn over the plane of a 2-D set.
    expect(e.views.includes('boundary')).toBe(plane);
    // Spike rasters come from spiking runs, and EMSTDP and BP-STDP record none.
    if (e.views.includes('raster')) {
      expect(e.network).toBe('spiking');
      for (const r of runsOf(e)) expect(isStdpRule(r as SpikingRule), r).toBe(false);
    }
    if (e.compare.length > 0) expect(e.compare).toContain(e.rule);
  });

  it('is small enough for a laptop browser', () => {
    const plane = e.dataset !== 'mnist' && e.dataset !== 'fashion-mnist';
    expect(e.trainSubset, 'trainSubset').toBeDefined();
    expect(e.testSubset, 'testSubset').toBeDefined();
    const work = (e.trainSubset ?? Infinity) * e.epochs * runsOf(e).length;
    const budget = plane ? MAX_WORK.plane : e.network === 'spiking' ? MAX_WORK.spiking : MAX_WORK.mnist;
    expect(work).toBeLessThanOrEqual(budget);
    expect(e.testSubset ?? Infinity).toBeLessThanOrEqual(2_000);
  });
});

describe('the measurements the texts quote', () => {
  const root = new URL('../../../', import.meta.url);
  const files = new Map<string, string[]>();
  const lines = (file: string): string[] => {
    if (!files.has(file)) files.set(file, readFileSync(new URL(file, root), 'utf8').split('\n'));
    return files.get(file)!;
  };

  /** Whether a table cell holds `value`: the whole cell, or one of its items ('90.0° / 87.1°', '89.0° → 69.2°', '97.26% (10)'). */
  const cellHas = (cell: string, value: string): boolean =>
    cell === value || (value.includes(' ') ? cell.includes(value) : cell.split(/[\s/→()]+/).includes(value));

  /** The report's lines under `## section`, up to the next '## '. */
  function sectionLines(file: string, section: string): string[] {
    const all = lines(file);
    const start = all.findIndex((l) => l.trim() === `## ${section}`);
    expect(start, `${file} has no section "${section}"`).toBeGreaterThanOrEqual(0);
    const end = all.findIndex((l, i) => i > start && l.startsWith('## '));
    return all.slice(start + 1, end < 0 ? undefined : end);
  }

  it('are quoted', () => {
    expect(MEASUREMENTS.length).toBeGreaterThan(10);
  });

  it.each(MEASUREMENTS.map((m) => [`${m.file} ${m.section ?? ''} ${m.row}: ${m.value}`, m] as const))('%s', (_name, m) => {
    if (m.section === null) {
      const hit = lines(m.file).filter((l) => l.includes(m.row));
      expect(hit.length, `no line of ${m.file} mentions "${m.row}"`).toBeGreaterThan(0);
      expect(hit.some((l) => l.includes(m.value)), hit.join('\n')).toBe(true);
    } else {
      const row = sectionLines(m.file, m.section)
        .filter((l) => l.startsWith(`| ${m.row} |`))
        .filter((l) => m.dataset === undefined || l.split('|')[2].split(',').map((d) => d.trim()).includes(m.dataset));
      expect(row, `${m.file}, ${m.section}: one row "${m.row}"${m.dataset ? ` for ${m.dataset}` : ''}`).toHaveLength(1);
      const cells = row[0].split('|').map((c) => c.trim());
      expect(cells.some((c) => cellHas(c, m.value)), row[0]).toBe(true);
    }
  });

  it('appear in the texts', () => {
    const all = LESSONS.flatMap((l) => l.steps.flatMap((s) => [s.text, s.answer, s.watch])).join('\n');
    // Every measured accuracy quoted is in some text (settings and row markers need not be).
    for (const m of MEASUREMENTS.filter((x) => x.value.endsWith('%') && !x.value.includes(' '))) expect(all, m.value).toContain(m.value);
  });
});

describe('sentenceCount', () => {
  it.each([
    ['One. Two.', 2],
    ['Feedback alignment (Lillicrap et al. 2016) works. It reached 97.26% on MNIST.', 2],
    ['Kunin et al. (2020) found it. So did others!', 2],
    ['It is called “null”. Then what?', 2],
    ['No full stop', 0],
  ])('%s', (text, n) => {
    expect(sentenceCount(text)).toBe(n);
  });
});
