// The page: settings on one side, the run's progress on the other. It turns form
// events into a TrainingRun and the run's reports into state; the children draw it.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { DATASETS, type LoadProgress } from '../engine/data/loader';
import { ConfigError, formatBytes, GpuUnavailableError } from '../engine/errors';
import type { MetricsRecord } from '../engine/training/trainer';
import { describeConfigError, fieldOf, type FormValues, parseForm, readQuery, type RunSettings } from './form-values';
import './layer-angles';
import './metrics-chart';
import type { FormError, RunStartEvent } from './run-form';
import './run-form';
import { type RunInfo, type RunOutcome, type RunPhase, TrainingRun } from './training-run';
import { detectWebGpu, type WebGpuSupport } from './webgpu-support';
import './webgpu-unavailable';

type Status = { kind: 'info' | 'busy' | 'ok' | 'error'; text: string };

@customElement('plasticity-app')
export class PlasticityApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      max-width: 1200px;
      margin: 0 auto;
      padding: 1.25rem;
      box-sizing: border-box;
    }
    header {
      margin-bottom: 1.25rem;
    }
    h1 {
      margin: 0;
      font-size: 1.6rem;
      letter-spacing: -0.01em;
    }
    header p {
      margin: 0.3rem 0 0;
      color: var(--muted);
      max-width: 70ch;
      line-height: 1.45;
    }
    .adapter {
      font-size: 0.85rem;
    }
    .layout {
      display: grid;
      grid-template-columns: minmax(250px, 300px) minmax(0, 1fr);
      gap: 1.25rem;
      align-items: start;
    }
    .card {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: var(--radius);
      padding: 1rem 1.1rem;
      box-shadow: var(--shadow);
      min-width: 0;
    }
    .results {
      display: grid;
      gap: 1.25rem;
      min-width: 0;
    }
    h2 {
      margin: 0 0 0.75rem;
      font-size: 1.05rem;
    }
    .status {
      display: flex;
      align-items: baseline;
      gap: 0.5rem;
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
    progress {
      width: 100%;
      height: 0.6rem;
      margin-top: 0.6rem;
      accent-color: var(--accent);
    }
    .summary {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr));
      gap: 0.6rem;
      margin: 0.9rem 0 0;
    }
    .summary div {
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
    @media (max-width: 860px) {
      :host {
        padding: 1rem;
      }
      .layout {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .status.busy::before {
        animation: none;
      }
    }
  `;

  @state() private support: WebGpuSupport | null = null;
  @state() private running = false;
  @state() private status: Status = { kind: 'info', text: 'Checking for WebGPU…' };
  @state() private progress: LoadProgress | null = null;
  @state() private formError: FormError | null = null;
  @state() private records: MetricsRecord[] = [];
  @state() private info: RunInfo | null = null;

  private readonly query = readQuery(location.search);
  private run: TrainingRun | null = null;
  private settings: RunSettings | null = null;
  /** Where the run is; progress reports update the status line only while it trains. */
  private phase: RunPhase | 'stopping' | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.support === null) void this.checkSupport();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.run?.stop();
  }

  private async checkSupport(): Promise<void> {
    const support = await detectWebGpu();
    this.support = support;
    if (support.available) this.status = { kind: 'info', text: 'Choose the settings and press Start.' };
    else this.status = { kind: 'error', text: 'WebGPU is unavailable, so nothing can be trained here.' };
  }

  override render() {
    const support = this.support;
    const unavailable = support !== null && !support.available;
    return html`<header>
        <h1>Plasticity lab</h1>
        <p>Train a small network on handwritten digits or clothing with backprop or one of the learning rules that avoid weight transport, and watch how well its error signals align with backprop's.</p>
        ${support?.available ? html`<p class="adapter">GPU: ${support.adapter}</p>` : nothing}
      </header>
      <div class="layout">
        <section class="card" aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <run-form
            .initial=${this.query.values}
            ?running=${this.running}
            ?unavailable=${unavailable || support === null}
            .error=${this.formError}
            note=${this.subsetNote()}
            @run-start=${this.onStart}
            @run-stop=${this.onStop}
          ></run-form>
        </section>
        <div class="results">
          ${unavailable
            ? html`<webgpu-unavailable reason=${support.reason}></webgpu-unavailable>`
            : html`${this.renderProgress()}
                <section class="card" aria-label="Alignment angles">
                  <layer-angles .layers=${this.records.at(-1)?.layers ?? []} .sizes=${this.info?.sizes ?? []}></layer-angles>
                </section>`}
        </div>
      </div>`;
  }

  private renderProgress() {
    const latest = this.records.at(-1);
    const test = lastTest(this.records);
    const info = this.info;
    return html`<section class="card" aria-labelledby="progress-title">
      <h2 id="progress-title">Progress</h2>
      <div class=${`status ${this.status.kind}`} role="status" aria-live="polite" data-status=${this.status.kind}>${this.status.text}</div>
      ${this.progress
        ? html`<progress aria-label="Dataset download" max=${this.progress.totalBytes ?? nothing} value=${this.progress.totalBytes ? this.progress.loadedBytes : nothing}></progress>`
        : nothing}
      <dl class="summary">
        ${metric('Step', 'step', latest && info ? `${latest.step.toLocaleString()} / ${info.totalSteps.toLocaleString()}` : '—', 'Minibatches trained so far, of the whole run.')}
        ${metric('Train loss', 'train-loss', latest && Number.isFinite(latest.trainLoss) ? latest.trainLoss.toFixed(3) : '—', 'Mean loss over the minibatches since the previous point.')}
        ${metric('Train accuracy', 'train-acc', latest && Number.isFinite(latest.trainAcc) ? percent(latest.trainAcc) : '—', 'Share of the recent minibatch examples classified correctly.')}
        ${metric('Test accuracy', 'test-acc', test?.testAcc != null ? percent(test.testAcc) : '—', 'Share of the held-out test images classified correctly, scored after each epoch.')}
        ${metric('Samples / s', 'speed', latest && latest.samplesPerSec > 0 ? Math.round(latest.samplesPerSec).toLocaleString() : '—', 'Training examples processed per second.')}
      </dl>
      <metrics-chart .records=${this.records}></metrics-chart>
    </section>`;
  }

  private subsetNote(): string {
    const { trainSubset, testSubset } = this.query.subsets;
    if (trainSubset === undefined && testSubset === undefined) return '';
    const parts = [trainSubset && `${trainSubset} training`, testSubset && `${testSubset} test`].filter(Boolean);
    return `The address asks for a subset of the data: ${parts.join(' and ')} images.`;
  }

  private async onStart(e: RunStartEvent): Promise<void> {
    if (this.running) return;
    const settings = this.parse(e.detail);
    if (!settings) return;
    this.formError = null;
    this.records = [];
    this.info = null;
    this.settings = settings;
    this.running = true;

    const run = new TrainingRun(settings, {
      phase: (p) => {
        if (this.run === run) this.onPhase(p);
      },
      progress: (p) => {
        if (this.run === run) this.onProgress(p);
      },
      ready: (info) => {
        if (this.run === run) this.info = info;
      },
      metrics: (m) => {
        if (this.run !== run) return;
        this.records = [...this.records, m];
        if (this.phase === 'training' && this.info) this.status = { kind: 'busy', text: this.trainingText(m) };
      },
    });
    this.run = run;
    try {
      this.showOutcome(await run.run());
    } catch (err) {
      this.showError(err);
    } finally {
      if (this.run === run) {
        this.run = null;
        this.phase = null;
        this.running = false;
        this.progress = null;
      }
    }
  }

  private onStop(): void {
    if (!this.run) return;
    this.run.stop();
    this.phase = 'stopping';
    this.status = { kind: 'busy', text: 'Stopping after the current steps…' };
  }

  private parse(values: FormValues): RunSettings | null {
    try {
      return parseForm(values, this.query.subsets);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      this.formError = { field: fieldOf(err), message: describeConfigError(err) };
      return null;
    }
  }

  private onPhase(phase: RunPhase): void {
    if (this.phase === 'stopping' && phase !== 'finishing') return;
    this.phase = phase;
    const name = DATASETS[this.settings!.dataset].title;
    const text: Record<RunPhase, string> = {
      loading: `Loading ${name}…`,
      preparing: 'Preparing the GPU: uploading the images and compiling the shaders…',
      training: `Training on ${this.info?.trainCount.toLocaleString() ?? ''} ${name} images…`,
      finishing: 'Scoring the test set…',
    };
    this.status = { kind: 'busy', text: text[phase] };
    if (phase !== 'loading') this.progress = null;
  }

  private onProgress(p: LoadProgress): void {
    this.progress = p;
    if (this.phase !== 'loading') return;
    const name = DATASETS[this.settings!.dataset].title;
    const amount = p.totalBytes ? `${formatBytes(p.loadedBytes)} of ${formatBytes(p.totalBytes)}` : formatBytes(p.loadedBytes);
    this.status = { kind: 'busy', text: `Loading ${name}: ${amount}…` };
  }

  private trainingText(m: MetricsRecord): string {
    const info = this.info!;
    const epochs = this.settings!.epochs;
    const epoch = Math.min(epochs, Math.floor(m.step / info.stepsPerEpoch) + 1);
    return `Training on ${info.adapter}: epoch ${epoch} of ${epochs}, step ${m.step.toLocaleString()} of ${info.totalSteps.toLocaleString()}.`;
  }

  private showOutcome(outcome: RunOutcome): void {
    const last = this.records.at(-1);
    const test = lastTest(this.records)?.testAcc;
    const acc = test != null ? `test accuracy ${percent(test)}` : 'no test accuracy yet';
    const secs = last ? `${last.elapsedSec.toFixed(1)} s` : '';
    if (outcome === 'finished') {
      this.status = { kind: 'ok', text: `Finished ${this.settings!.epochs} epoch${this.settings!.epochs === 1 ? '' : 's'} in ${secs}: ${acc}.` };
    } else if (outcome === 'stopped') {
      this.status = { kind: 'info', text: `Stopped at step ${(last?.step ?? 0).toLocaleString()}: ${acc}.` };
    } else {
      const step = this.records.find((r) => r.diverged)?.step ?? last?.step ?? 0;
      this.status = {
        kind: 'error',
        text: `The loss diverged (became NaN or infinite) by step ${step.toLocaleString()}. Lower the learning rate and start again.`,
      };
    }
  }

  private showError(err: unknown): void {
    if (err instanceof ConfigError) {
      // Settings the engine refused only once it saw the data (e.g. batch larger than the subset).
      this.formError = { field: fieldOf(err), message: describeConfigError(err) };
      this.status = { kind: 'error', text: 'The run could not start: see the settings.' };
    } else if (err instanceof GpuUnavailableError) {
      this.support = { available: false, reason: err.message };
      this.status = { kind: 'error', text: 'WebGPU is unavailable, so nothing can be trained here.' };
    } else {
      const message = err instanceof Error ? err.message : String(err);
      this.status = { kind: 'error', text: message };
      console.error(err);
    }
  }
}

function metric(label: string, key: string, value: string, title: string) {
  return html`<div title=${title}><dt>${label}</dt><dd data-metric=${key}>${value}</dd></div>`;
}

/** The latest record that carries a test accuracy. */
function lastTest(records: readonly MetricsRecord[]): MetricsRecord | undefined {
  for (let i = records.length - 1; i >= 0; i--) if (records[i]!.testAcc !== null) return records[i];
  return undefined;
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

declare global {
  interface HTMLElementTagNameMap {
    'plasticity-app': PlasticityApp;
  }
}
