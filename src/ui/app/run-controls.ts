// Play, pause, single step and reset, with where the run stands: a status line,
// the dataset's download progress and the latest numbers.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LoadProgress } from '../../engine/data/loader';
import type { RunCommand } from './lab-run';

export type RunCommandEvent = CustomEvent<{ command: RunCommand }>;

export interface RunStatus {
  kind: 'info' | 'busy' | 'ok' | 'warn' | 'error';
  text: string;
}

/** The latest numbers of the run; null where there are none yet. */
export interface RunSummary {
  step: number | null;
  totalSteps: number | null;
  trainLoss: number | null;
  trainAcc: number | null;
  testAcc: number | null;
  samplesPerSec: number | null;
}

@customElement('run-controls')
export class RunControls extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    .buttons {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    .control {
      position: relative;
    }
    button {
      font: inherit;
      font-weight: 600;
      min-width: 5.5rem;
      padding: 0.5rem 0.9rem;
      border-radius: var(--radius-small);
      border: 1px solid var(--border-strong);
      background: var(--input-bg);
      color: var(--text);
      cursor: pointer;
    }
    button.primary {
      background: var(--accent);
      border-color: var(--accent);
      color: var(--on-accent);
    }
    button:disabled {
      opacity: 0.5;
      cursor: not-allowed;
    }
    button:focus-visible {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
    .tip {
      display: none;
      position: absolute;
      z-index: 10;
      /* Above the button: below it would hide the status the button just changed. */
      bottom: calc(100% + 0.35rem);
      left: 0;
      width: max-content;
      max-width: 16rem;
      padding: 0.4rem 0.55rem;
      border-radius: var(--radius-small);
      background: var(--text);
      color: var(--page);
      font-size: 0.8rem;
      line-height: 1.4;
      pointer-events: none;
    }
    .control:hover > .tip,
    .control:focus-within > .tip {
      display: block;
    }
    .status {
      display: flex;
      align-items: baseline;
      gap: 0.5rem;
      margin-top: 0.8rem;
      line-height: 1.4;
    }
    .status::before {
      content: '';
      flex: none;
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      background: var(--muted);
      transform: translateY(-0.05rem);
    }
    .status.busy::before {
      background: var(--accent);
      animation: pulse 1.2s ease-in-out infinite;
    }
    .status.ok::before {
      background: var(--ok);
    }
    .status.warn::before {
      background: var(--warn-border);
    }
    .status.error {
      color: var(--error);
    }
    .status.error::before {
      background: var(--error);
    }
    @keyframes pulse {
      50% {
        opacity: 0.3;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .status.busy::before {
        animation: none;
      }
    }
    .stale {
      margin: 0.5rem 0 0;
      font-size: 0.85rem;
      color: var(--muted);
    }
    progress {
      width: 100%;
      height: 0.6rem;
      margin-top: 0.6rem;
      accent-color: var(--accent);
    }
    dl {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr));
      gap: 0.6rem;
      margin: 0.9rem 0 0;
    }
    dl div {
      background: var(--surface-alt);
      border-radius: var(--radius-small);
      padding: 0.45rem 0.6rem;
    }
    dt {
      font-size: 0.78rem;
      color: var(--muted);
    }
    dd {
      margin: 0.1rem 0 0;
      font-size: 1.1rem;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
  `;

  @property({ type: Boolean }) playing = false;
  /** Commands can be sent (WebGPU is there and the settings can run). */
  @property({ type: Boolean, attribute: 'can-run' }) canRun = false;
  /** Why they cannot, for the buttons' explanation. */
  @property({ attribute: 'blocked-why' }) blockedWhy = '';
  /** A run is being set up (loading, compiling): only pause-like commands make sense. */
  @property({ type: Boolean }) busy = false;
  /** The planned epochs are done: play needs a reset first. */
  @property({ type: Boolean }) finished = false;
  /** The settings changed since the run started; reset applies them. */
  @property({ type: Boolean }) stale = false;
  @property({ attribute: false }) status: RunStatus = { kind: 'info', text: '' };
  @property({ attribute: false }) progress: LoadProgress | null = null;
  @property({ attribute: false }) summary: RunSummary = { step: null, totalSteps: null, trainLoss: null, trainAcc: null, testAcc: null, samplesPerSec: null };

  override render() {
    const blocked = !this.canRun;
    const why = this.blockedWhy;
    const s = this.summary;
    return html`<div class="buttons" role="group" aria-label="Run">
        ${this.playing
          ? this.button('pause', 'Pause', 'Stop after the steps in progress; the weights stay as they are.', false, true)
          : this.button(
              'play',
              'Play',
              blocked ? why : this.finished ? 'The planned epochs are done; reset to train again.' : this.stale ? 'Train; changed settings apply after a reset, unless nothing has been trained yet.' : 'Load the data if needed and train until paused or done.',
              blocked || this.busy || this.finished,
              true,
            )}
        ${this.button('step', 'Step', blocked ? why : 'Train one small batch of steps, then pause.', blocked || this.busy || this.finished)}
        ${this.button('reset', 'Reset', blocked ? why : 'Back to step 0 with the same seed (the same initial weights) and the settings shown.', blocked || this.busy)}
      </div>
      ${this.stale ? html`<p class="stale" data-stale>Some settings changed since this run started: Reset to train with them.</p>` : nothing}
      <div class=${`status ${this.status.kind}`} role="status" aria-live="polite" data-status=${this.status.kind}>${this.status.text}</div>
      ${this.progress
        ? html`<progress aria-label="Dataset download" max=${this.progress.totalBytes ?? nothing} value=${this.progress.totalBytes ? this.progress.loadedBytes : nothing}></progress>`
        : nothing}
      <dl>
        ${metric('Step', 'step', s.step === null ? '—' : s.totalSteps ? `${s.step.toLocaleString()} / ${s.totalSteps.toLocaleString()}` : s.step.toLocaleString(), 'Minibatches trained so far, of the whole run.')}
        ${metric('Train loss', 'train-loss', s.trainLoss === null ? '—' : s.trainLoss.toFixed(3), 'Mean loss over the minibatches since the previous point.')}
        ${metric('Train accuracy', 'train-acc', s.trainAcc === null ? '—' : percent(s.trainAcc), 'Share of the recent minibatch examples classified correctly.')}
        ${metric('Test accuracy', 'test-acc', s.testAcc === null ? '—' : percent(s.testAcc), 'Share of the held-out test examples classified correctly, scored after each epoch.')}
        ${metric('Samples / s', 'speed', s.samplesPerSec === null ? '—' : Math.round(s.samplesPerSec).toLocaleString(), 'Training examples processed per second.')}
      </dl>`;
  }

  private button(command: RunCommand, label: string, tip: string, disabled: boolean, primary = false) {
    return html`<span class="control">
      <button type="button" class=${primary ? 'primary' : ''} ?disabled=${disabled} aria-describedby=${`${command}-tip`} data-command=${command}
        @click=${() => this.send(command)}>${label}</button>
      <span class="tip" id=${`${command}-tip`} role="tooltip">${tip}</span>
    </span>`;
  }

  private send(command: RunCommand): void {
    this.dispatchEvent(new CustomEvent('run-command', { detail: { command }, bubbles: true, composed: true }) as RunCommandEvent);
  }
}

function metric(label: string, key: string, value: string, title: string) {
  return html`<div title=${title}><dt>${label}</dt><dd data-metric=${key}>${value}</dd></div>`;
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

declare global {
  interface HTMLElementTagNameMap {
    'run-controls': RunControls;
  }
  interface HTMLElementEventMap {
    'run-command': RunCommandEvent;
  }
}
