// The <plasticity-lab> attributes: presets, controls, the datasets' default place, the theme on :host.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, validateExperiment } from '../experiment/experiment';
import { encodeExperiment } from '../experiment/share-link';
import { findLesson } from '../lessons/catalogue';
import { defaultDatasetsUrl, hostTheme, readControls, readPreset } from './embed';

describe('preset', () => {
  it('is the default experiment when absent or empty', () => {
    expect(readPreset(null)).toEqual({ experiment: DEFAULT_EXPERIMENT, problems: [] });
    expect(readPreset('  ')).toEqual({ experiment: DEFAULT_EXPERIMENT, problems: [] });
  });

  it('names a lesson (its first step) or a lesson step counted from 0', () => {
    const lesson = findLesson('weight-transport')!;
    expect(readPreset('weight-transport')).toEqual({ experiment: lesson.steps[0]!.preset, problems: [] });
    expect(readPreset('weight-transport:1')).toEqual({ experiment: lesson.steps[1]!.preset, problems: [] });
    expect(readPreset('weight-transport:1').experiment.compare).toEqual(['bp', 'fa']);
  });

  it('reads a share link, with or without its # or ?', () => {
    const e = { ...DEFAULT_EXPERIMENT, hidden: [128], rule: 'fa', seed: 7 };
    const link = encodeExperiment(e);
    for (const text of [link, `#${link}`, `?${link}`]) expect(readPreset(text)).toEqual({ experiment: e, problems: [] });
  });

  it("keeps what it can of a share link and says what it could not use", () => {
    const { experiment, problems } = readPreset('v=1&h=128&r=magic');
    expect(experiment.hidden).toEqual([128]);
    expect(experiment.rule).toBe('bp');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/unknown rule "magic"/);
  });

  it('says what is wrong with a lesson it cannot show, and shows something valid', () => {
    const unknown = readPreset('no-such-lesson');
    expect(unknown.experiment).toBe(DEFAULT_EXPERIMENT);
    expect(unknown.problems).toEqual([expect.stringMatching(/^preset="no-such-lesson" names no lesson; the lessons are weight-transport, feedback-alignment, .+ The default experiment is shown\.$/)]);
    const past = readPreset('weight-transport:9');
    expect(past.experiment).toBe(findLesson('weight-transport')!.steps[0]!.preset);
    expect(past.problems).toEqual(['preset="weight-transport:9": "weight-transport" has steps 0 to 2 (counted from 0, as in share links), so its first step is shown.']);
    expect(readPreset('Weight Transport!').problems[0]).toMatch(/is neither a lesson id \(such as weight-transport\), a lesson step \(weight-transport:1\) nor a share link/);
    for (const text of ['no-such-lesson', 'weight-transport:9', 'x y', 'v=9']) expect(validateExperiment(readPreset(text).experiment)).toEqual([]);
  });
});

describe('controls', () => {
  it('is full, minimal or none; full when absent or unknown', () => {
    expect(readControls(null)).toEqual({ controls: 'full', problem: null });
    expect(readControls('minimal')).toEqual({ controls: 'minimal', problem: null });
    expect(readControls('none')).toEqual({ controls: 'none', problem: null });
    expect(readControls('some')).toEqual({ controls: 'full', problem: 'controls="some" is not one of full, minimal, none; full controls are shown.' });
  });
});

describe('datasets url', () => {
  it("is the datasets/ folder beside a build's embed/ (or assets/), or the dev server's root", () => {
    expect(defaultDatasetsUrl('https://lab.example.org/plasticity/embed/plasticity-lab.js', false)).toBe('https://lab.example.org/plasticity/datasets/');
    expect(defaultDatasetsUrl('https://lab.example.org/plasticity/assets/index-abc123.js', false)).toBe('https://lab.example.org/plasticity/datasets/');
    expect(defaultDatasetsUrl('http://localhost:5173/src/ui/lab/plasticity-lab-element.ts', true)).toBe('http://localhost:5173/datasets/');
  });
});

describe('theme on the element', () => {
  it('moves :root rules to :host, keeping the data-theme pins', () => {
    const sheet = ":root {\n  --text: #111;\n}\n@media (prefers-color-scheme: dark) {\n  :root:not([data-theme='light']) {\n    --text: #eee;\n  }\n}\n:root[data-theme='dark'] {\n  --text: #eee;\n}\n";
    expect(hostTheme(sheet)).toBe(
      ":host {\n  --text: #111;\n}\n@media (prefers-color-scheme: dark) {\n  :host(:not([data-theme='light'])) {\n    --text: #eee;\n  }\n}\n:host([data-theme='dark']) {\n  --text: #eee;\n}\n",
    );
  });
});
