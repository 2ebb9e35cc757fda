// Save a run (metrics as CSV or JSON, each chart as PNG, each rule's trained network as a
// model file) and open a model file. Opening only reads and checks the file: a good one is
// handed to the page as 'model-import', which restores it (see restoreSnapshot in export.ts).
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { TrainerSnapshot } from '../../engine/session/trainer-snapshot';
import type { Experiment } from '../experiment/experiment';
import { exportFileName, type ImportedModel, type MetricsSeries, metricsCsv, metricsJson, modelFileText, readModelFile } from './export';

/** A chart offered as PNG: a name for the file and the menu, and its canvas when drawn. */
export interface ChartSource {
  /** Shown in the menu ("Accuracy chart") and used in the file name. */
  readonly label: string;
  readonly canvas: () => HTMLCanvasElement | null | undefined;
}

export type ModelImportEvent = CustomEvent<{ model: ImportedModel; fileName: string }>;

type Notice = { kind: 'ok' | 'error'; text: string; details?: readonly string[] };

@customElement('export-menu')
export class ExportMenu extends LitElement {
  static override styles = css`
    :host {
      display: block;
      color: var(--text);
      font-family: var(--font);
      font-size: 0.92rem;
    }
    details {
      border: 1px solid var(--border);
      border-radius: var(--radius-small);
      background: var(--surface);
    }
    summary {
      cursor: pointer;
      padding: 0.45rem 0.75rem;
      font-weight: 600;
    }
    .body {
      display: grid;
      gap: 0.75rem;
      padding: 0 0.75rem 0.75rem;
    }
    h3 {
      margin: 0 0 0.35rem;
      font-size: 0.8rem;
      text-transform: uppercase;
      letter-spacing: 0.03em;
      color: var(--muted);
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
    }
    button {
      font: inherit;
      color: inherit;
      padding: 0.3rem 0.7rem;
      border: 1px solid var(--border-strong);
      border-radius: var(--radius-small);
      background: var(--surface-alt);
      cursor: pointer;
    }
    button:disabled {
      opacity: 0.5;
      cursor: not-allowed;
    }
    :is(button, summary):focus-visible {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
    input[type='file'] {
      display: none;
    }
    .note {
      margin: 0.3rem 0 0;
      color: var(--muted);
      font-size: 0.85rem;
    }
    .notice {
      margin: 0;
      padding: 0.45rem 0.6rem;
      border-radius: var(--radius-small);
      background: var(--surface-alt);
    }
    .notice.error {
      color: var(--error);
      background: var(--error-bg);
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    .notice ul {
      margin: 0.3rem 0 0;
      padding-left: 1.2rem;
    }
  `;

  /** The experiment the run trains; nothing can be saved without it. */
  @property({ attribute: false }) experiment: Experiment | null = null;
  /** Each rule's records: one series for a single run, one per rule for a comparison. */
  @property({ attribute: false }) series: readonly MetricsSeries[] = [];
  /** The charts offered as PNG. */
  @property({ attribute: false }) charts: readonly ChartSource[] = [];
  /** Takes `rule`'s snapshot (RunController.snapshot, CompareRun.snapshot); null while no run can give one. */
  @property({ attribute: false }) snapshotOf: ((rule: string) => Promise<TrainerSnapshot>) | null = null;

  @state() private notice: Notice | null = null;
  @state() private busy = false;

  override render() {
    const e = this.experiment;
    const hasRecords = this.series.some((s) => s.records.length > 0);
    const rules = this.series.map((s) => s.rule);
    return html`<details>
      <summary>Save or open</summary>
      <div class="body">
        <section aria-labelledby="metrics-h">
          <h3 id="metrics-h">Metrics</h3>
          <div class="row">
            <button type="button" ?disabled=${!e || !hasRecords} @click=${() => this.saveText(metricsCsv(this.series), 'metrics', 'csv', 'text/csv')}>CSV</button>
            <button type="button" ?disabled=${!e || !hasRecords} @click=${() => this.saveText(metricsJson(e!, this.series), 'metrics', 'json', 'application/json')}>
              JSON (with the settings)
            </button>
          </div>
          ${hasRecords ? nothing : html`<p class="note">Metrics can be saved once training has recorded some.</p>`}
        </section>
        ${this.charts.length
          ? html`<section aria-labelledby="charts-h">
              <h3 id="charts-h">Charts as PNG</h3>
              <div class="row">${this.charts.map((c) => html`<button type="button" ?disabled=${!e} @click=${() => this.saveChart(c)}>${c.label}</button>`)}</div>
            </section>`
          : nothing}
        <section aria-labelledby="model-h">
          <h3 id="model-h">Trained network</h3>
          <div class="row">
            ${rules.map(
              (rule) =>
                html`<button type="button" ?disabled=${!e || !this.snapshotOf || this.busy} @click=${() => this.saveModel(rule)}>
                  Save ${rules.length > 1 ? `${rule} ` : ''}model
                </button>`,
            )}
            <button type="button" @click=${this.chooseFile}>Open a model file…</button>
            <input type="file" accept=".json,application/json" aria-label="Model file" @change=${this.onFile} />
          </div>
          <p class="note">A model file holds the settings and every layer's weights (W, b and B); open one to show or train it again.</p>
        </section>
        ${this.renderNotice()}
      </div>
    </details>`;
  }

  /** Both regions are always there, so that screen readers announce what appears in them. */
  private renderNotice() {
    const n = this.notice;
    return html`<p role="status" class=${n?.kind === 'ok' ? 'notice' : 'visually-hidden'}>${n?.kind === 'ok' ? n.text : ''}</p>
      <div role="alert">
        ${n?.kind === 'error'
          ? html`<div class="notice error">${n.text}${n.details?.length ? html`<ul>${n.details.map((d) => html`<li>${d}</li>`)}</ul>` : nothing}</div>`
          : nothing}
      </div>`;
  }

  private fileName(what: string, extension: string): string {
    return exportFileName(this.experiment!, this.series.map((s) => s.rule), what, extension);
  }

  private saveText(text: string, what: string, extension: string, type: string): void {
    const name = this.fileName(what, extension);
    downloadBlob(new Blob([text], { type }), name);
    this.notice = { kind: 'ok', text: `Saved ${name}.` };
  }

  private async saveChart(chart: ChartSource): Promise<void> {
    const canvas = chart.canvas();
    if (!canvas || canvas.width === 0) {
      this.notice = { kind: 'error', text: `The ${chart.label.toLowerCase()} is not drawn yet; show it, then save it.` };
      return;
    }
    const background = getComputedStyle(this).getPropertyValue('--surface').trim() || '#ffffff';
    const blob = await canvasPng(canvas, background);
    const name = this.fileName(chart.label.toLowerCase(), 'png');
    downloadBlob(blob, name);
    this.notice = { kind: 'ok', text: `Saved ${name}.` };
  }

  private async saveModel(rule: string): Promise<void> {
    if (!this.snapshotOf || !this.experiment) return;
    this.busy = true;
    try {
      const snapshot = await this.snapshotOf(rule);
      const name = exportFileName(this.experiment, [snapshot.config.rule], `model-step-${snapshot.position.step}`, 'json');
      downloadBlob(new Blob([modelFileText(this.experiment, snapshot)], { type: 'application/json' }), name);
      this.notice = { kind: 'ok', text: `Saved ${name}.` };
    } catch (err) {
      this.notice = { kind: 'error', text: `The model could not be saved: ${err instanceof Error ? err.message : String(err)}` };
    } finally {
      this.busy = false;
    }
  }

  private chooseFile(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click();
  }

  private async onFile(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = ''; // the same file can be chosen again after a fix
    if (!file) return;
    const read = readModelFile(await file.text());
    if (!read.ok) {
      this.notice = { kind: 'error', text: `${file.name} cannot be opened:`, details: read.problems };
      return;
    }
    this.notice = { kind: 'ok', text: `Opened ${file.name}: a ${read.model.sizes.join('-')} network trained with ${read.model.experiment.rule} for ${read.model.step} steps.` };
    this.dispatchEvent(new CustomEvent('model-import', { detail: { model: read.model, fileName: file.name }, bubbles: true, composed: true }) as ModelImportEvent);
  }
}

/** The canvas as a PNG on an opaque background (charts are drawn on a transparent one). */
export function canvasPng(canvas: HTMLCanvasElement, background: string): Promise<Blob> {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const g = out.getContext('2d')!;
  g.fillStyle = background;
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(canvas, 0, 0);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the chart as PNG'))), 'image/png'));
}

/** Saves `blob` as `name` through the browser's downloads. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

declare global {
  interface HTMLElementTagNameMap {
    'export-menu': ExportMenu;
  }
  interface HTMLElementEventMap {
    'model-import': ModelImportEvent;
  }
}
