// A guided lesson beside the run: pick a lesson, read its current step (what it shows,
// what to watch, a question, the teacher's answer behind a disclosure) and move through
// its steps. Each move the student makes emits 'lesson-step' with the step's preset, for
// the page to load; a place the page sets (from a share link) emits nothing.
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Experiment, LessonPlace } from '../experiment/experiment';
import { LESSONS } from '../lessons/catalogue';
import { type Lesson, LESSON_LEVELS, type LessonStep } from '../lessons/lesson';

export interface LessonStepDetail {
  lessonId: string;
  /** 0-based, as in share links. */
  step: number;
  /** The experiment the step loads. */
  preset: Experiment;
}

export type LessonStepEvent = CustomEvent<LessonStepDetail>;

const LEVEL_NAMES: Record<(typeof LESSON_LEVELS)[number], string> = {
  introductory: 'Introductory',
  intermediate: 'Intermediate',
  advanced: 'Advanced',
};

@customElement('lesson-panel')
export class LessonPanel extends LitElement {
  static override styles = css`
    :host {
      display: block;
      color: var(--text);
      font-family: var(--font);
      line-height: 1.45;
    }
    label {
      display: block;
      font-weight: 600;
      font-size: 0.92rem;
      margin-bottom: 0.3rem;
    }
    select,
    button {
      font: inherit;
      color: inherit;
    }
    select {
      width: 100%;
      padding: 0.4rem 0.5rem;
      border: 1px solid var(--border-strong);
      border-radius: var(--radius-small);
      background: var(--input-bg);
    }
    button {
      padding: 0.35rem 0.75rem;
      border: 1px solid var(--border-strong);
      border-radius: var(--radius-small);
      background: var(--surface-alt);
      cursor: pointer;
    }
    button[aria-disabled='true'] {
      opacity: 0.5;
      cursor: not-allowed;
    }
    :is(select, button, summary):focus-visible {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
    .summary,
    .note {
      color: var(--muted);
      font-size: 0.9rem;
      margin: 0.5rem 0 0;
    }
    .catalogue {
      list-style: none;
      padding: 0;
      margin: 0.9rem 0 0;
      display: grid;
      gap: 0.6rem;
    }
    .catalogue button {
      width: 100%;
      text-align: left;
      background: var(--surface);
    }
    .catalogue .level {
      color: var(--muted);
      font-size: 0.8rem;
      margin-left: 0.4rem;
    }
    .steps {
      list-style: none;
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
      padding: 0;
      margin: 0.9rem 0 0;
    }
    .steps button {
      min-width: 2.2rem;
    }
    .steps button[aria-current='step'] {
      background: var(--accent);
      border-color: var(--accent);
      color: var(--on-accent);
    }
    h3 {
      margin: 0.9rem 0 0.4rem;
      font-size: 1.05rem;
    }
    h3:focus {
      outline: none;
    }
    h4 {
      margin: 0.8rem 0 0.2rem;
      font-size: 0.88rem;
      text-transform: uppercase;
      letter-spacing: 0.03em;
      color: var(--muted);
    }
    p {
      margin: 0;
    }
    .question {
      font-weight: 600;
    }
    details {
      margin-top: 0.6rem;
      padding: 0.5rem 0.7rem;
      border: 1px solid var(--border);
      border-radius: var(--radius-small);
      background: var(--surface-alt);
    }
    summary {
      cursor: pointer;
      font-weight: 600;
    }
    details p {
      margin-top: 0.4rem;
    }
    .moves {
      display: flex;
      justify-content: space-between;
      gap: 0.5rem;
      margin-top: 1rem;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `;

  /** The lessons offered, in order. */
  @property({ attribute: false }) lessons: readonly Lesson[] = LESSONS;
  /** The lesson and step shown; null offers the list. Set by the page (a share link), moved by the student. */
  @property({ attribute: false }) place: LessonPlace | null = null;

  @state() private answerOpen = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new step starts with its answer hidden.
    if (changed.has('place')) this.answerOpen = false;
  }

  override render() {
    const lesson = this.place ? this.lessons.find((l) => l.id === this.place!.id) : undefined;
    const step = lesson?.steps[this.place!.step];
    return html`<section aria-label="Guided lesson">
      ${this.renderPicker(lesson)}
      ${this.place && !step ? html`<p class="note" role="status">${this.missingText(lesson)}</p>` : nothing}
      ${lesson && step ? this.renderStep(lesson, step, this.place!.step) : this.renderCatalogue()}
    </section>`;
  }

  private renderPicker(current: Lesson | undefined) {
    return html`<label for="lesson">Lesson</label>
      <select id="lesson" @change=${this.onPick}>
        <option value="" disabled ?selected=${!current}>Choose a lesson…</option>
        ${LESSON_LEVELS.map((level) => {
          const ofLevel = this.lessons.filter((l) => l.level === level);
          return ofLevel.length === 0
            ? nothing
            : html`<optgroup label=${LEVEL_NAMES[level]}>
                ${ofLevel.map((l) => html`<option value=${l.id} ?selected=${l === current}>${l.title}</option>`)}
              </optgroup>`;
        })}
      </select>
      ${current ? html`<p class="summary">${current.summary}</p>` : nothing}`;
  }

  private renderCatalogue() {
    return html`<ul class="catalogue" aria-label="Lessons">
      ${this.lessons.map(
        (l) => html`<li>
          <button type="button" @click=${() => this.go(l, 0, true)}>
            <strong>${l.title}</strong><span class="level">${LEVEL_NAMES[l.level]}, ${l.steps.length} steps</span>
          </button>
          <p class="summary">${l.summary}</p>
        </li>`,
      )}
    </ul>`;
  }

  private renderStep(lesson: Lesson, s: LessonStep, index: number) {
    const n = lesson.steps.length;
    const first = index === 0;
    const last = index === n - 1;
    return html`<ol class="steps" aria-label="Steps of this lesson">
        ${lesson.steps.map(
          (t, i) => html`<li>
            <button type="button" aria-current=${i === index ? 'step' : nothing} aria-label=${`Step ${i + 1}: ${t.title}`} title=${t.title} @click=${() => this.go(lesson, i)}>
              ${i + 1}
            </button>
          </li>`,
        )}
      </ol>
      <article aria-labelledby="step-title">
        <h3 id="step-title" tabindex="-1">Step ${index + 1} of ${n}: ${s.title}</h3>
        <p>${s.text}</p>
        <h4>What to watch</h4>
        <p>${s.watch}</p>
        <h4>Question</h4>
        <p class="question">${s.question}</p>
        <details .open=${this.answerOpen} @toggle=${this.onToggle}>
          <summary>${this.answerOpen ? 'Hide answer' : 'Show answer'}</summary>
          <p>${s.answer}</p>
        </details>
      </article>
      <div class="moves">
        <!-- aria-disabled, not disabled: a button that disables itself under focus would drop the focus. -->
        <button type="button" aria-disabled=${first ? 'true' : 'false'} @click=${() => !first && this.go(lesson, index - 1)}>← Previous step</button>
        <button type="button" aria-disabled=${last ? 'true' : 'false'} @click=${() => !last && this.go(lesson, index + 1)}>Next step →</button>
      </div>
      <p class="visually-hidden" aria-live="polite">Step ${index + 1} of ${n}: ${s.title}</p>`;
  }

  private missingText(lesson: Lesson | undefined): string {
    const p = this.place!;
    if (!lesson) return `There is no lesson "${p.id}" here; choose one from the list.`;
    return `"${lesson.title}" has ${lesson.steps.length} steps, so there is no step ${p.step + 1}; choose one.`;
  }

  private onPick(e: Event): void {
    const lesson = this.lessons.find((l) => l.id === (e.target as HTMLSelectElement).value);
    if (lesson) this.go(lesson, 0);
  }

  private onToggle(e: Event): void {
    this.answerOpen = (e.target as HTMLDetailsElement).open;
  }

  /**
   * Shows `lesson`'s step `step` and tells the page which preset to load. `focusStep` moves
   * the focus to the step's heading, for moves whose button the step replaces (the list).
   */
  private go(lesson: Lesson, step: number, focusStep = false): void {
    const s = lesson.steps[step];
    if (!s) return;
    this.place = { id: lesson.id, step };
    const detail: LessonStepDetail = { lessonId: lesson.id, step, preset: s.preset };
    this.dispatchEvent(new CustomEvent('lesson-step', { detail, bubbles: true, composed: true }) as LessonStepEvent);
    if (focusStep) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#step-title')?.focus());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lesson-panel': LessonPanel;
  }
  interface HTMLElementEventMap {
    'lesson-step': LessonStepEvent;
  }
}
