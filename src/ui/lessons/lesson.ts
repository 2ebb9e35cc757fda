// Guided lessons for a classroom: each a sequence of steps, and each step an experiment
// to load, what to watch while it runs, and a question with a model answer for the teacher.
// Pure: no DOM, so the page, a Web Worker and tests share it.
import type { Experiment } from '../experiment/experiment';

export const LESSON_LEVELS = ['introductory', 'intermediate', 'advanced'] as const;
export type LessonLevel = (typeof LESSON_LEVELS)[number];

export interface LessonStep {
  /** A few words, shown as the step's heading. */
  readonly title: string;
  /** Two to five sentences of plain language for undergraduates: what this step shows and why. */
  readonly text: string;
  /**
   * The experiment the step loads: complete and valid, its `lesson` this step's place
   * ({ id: the lesson's id, step: the step's index }) and its `views` the panels to show.
   */
  readonly preset: Experiment;
  /** What to look at while it runs, in the panels `preset.views` shows. */
  readonly watch: string;
  /** A question for the student. */
  readonly question: string;
  /** A short model answer for the teacher; kept apart so the page can hide it. */
  readonly answer: string;
}

export interface Lesson {
  /** Lower-case words joined by hyphens: it travels in share links (`l=id:step`). */
  readonly id: string;
  readonly title: string;
  /** One or two sentences for a list of lessons. */
  readonly summary: string;
  readonly level: LessonLevel;
  readonly steps: readonly LessonStep[];
}

/** Bounds the catalogue's texts keep to, in characters (sentences for a step's text). */
export const LESSON_TEXT_LIMITS = {
  title: { min: 3, max: 60 },
  summary: { min: 40, max: 320 },
  text: { min: 80, max: 900, minSentences: 2, maxSentences: 5 },
  watch: { min: 20, max: 320 },
  question: { min: 20, max: 300 },
  answer: { min: 20, max: 700 },
} as const;

/**
 * Sentences in `text`: each ends with '.', '!' or '?' (after it, perhaps, a closing quote
 * or bracket) followed by the end or by a space and a capital. So "et al. 2016", "97.26%"
 * and "al. (2020)" end none; the lessons avoid "e.g." and "i.e.".
 */
export function sentenceCount(text: string): number {
  return (text.trim().match(/[.!?]['"’”)]?(?=\s+[A-Z‘“'"]|$)/g) ?? []).length;
}
