// The run's views, in the order the experiment lists them, each shown or hidden
// with <view-toggles>; views the run cannot fill are offered disabled and not drawn.
// In compare mode they show one compared rule's run, and each says which.
import { css, html, LitElement, nothing } from 'lit';
import { cardStyles } from './shared-styles';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { InspectKind, InspectResult } from '../../engine/session/inspection';
import type { SpikingRecording } from '../../engine/spiking/recording';
import type { View } from '../experiment/experiment';
import '../layer-angles';
import type { LayerRow } from '../layer-angles';
import '../metrics-chart';
import type { ChartRecord, ChartSeries } from '../metrics-chart';
import '../views/confusion-matrix';
import '../views/decision-boundary';
import type { LabelledPoint } from '../views/decision-boundary';
import '../views/membrane-traces';
import '../views/receptive-fields';
import '../views/sample-predictions';
import '../views/spike-raster';
import type { SpikeRaster } from '../views/spike-raster';
import { type MembraneTrace, membraneTracesOf, rasterFrameOf } from '../views/view-data';
import '../views/view-toggles';
import { ruleLabel } from './labels';
import { BOUNDARY_GRID } from './inspection-fetcher';

/** The latest result of each inspection, or null before the first. */
export interface Inspections {
  confusion: Extract<InspectResult, { kind: 'confusion' }> | null;
  samples: Extract<InspectResult, { kind: 'samples' }> | null;
  weights: Extract<InspectResult, { kind: 'weights' }> | null;
  grid: Extract<InspectResult, { kind: 'grid' }> | null;
}

export const NO_INSPECTIONS: Inspections = { confusion: null, samples: null, weights: null, grid: null };

/** The inspection each view is drawn from. */
export const VIEW_INSPECTIONS: Partial<Record<View, InspectKind>> = {
  'receptive-fields': 'weights',
  confusion: 'confusion',
  samples: 'samples',
  boundary: 'grid',
};

/** The first hidden layer's membranes are traced (the input has none). */
const TRACED_LAYER = 1;

@customElement('lab-views')
export class LabViews extends LitElement {
  static override styles = [
    cardStyles,
    css`
    :host {
      display: grid;
      gap: 1.25rem;
      min-width: 0;
    }
    .panels {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr));
      gap: 1.25rem;
      min-width: 0;
    }
    .wide {
      grid-column: 1 / -1;
    }
    .card > * + * {
      margin-top: 1rem;
    }
    .failed,
    .following {
      color: var(--muted);
      font-size: 0.85rem;
    }
    .following {
      margin: 0;
    }
  `,
  ];

  /** The views shown, in order (the experiment's). */
  @property({ attribute: false }) views: readonly View[] = [];
  /** The views this run can fill. */
  @property({ attribute: false }) available: readonly View[] = [];
  @property({ attribute: false }) records: readonly ChartRecord[] = [];
  @property({ attribute: false }) layers: readonly LayerRow[] = [];
  /** Layer sizes, input first. */
  @property({ attribute: false }) sizes: readonly number[] = [];
  @property({ attribute: false }) classNames: readonly string[] = [];
  /** The input's image shape. */
  @property({ type: Number }) rows = 28;
  @property({ type: Number }) cols = 28;
  @property({ attribute: false }) inspections: Inspections = NO_INSPECTIONS;
  /** Why an inspection failed, by kind. */
  @property({ attribute: false }) failures: Partial<Record<InspectKind, string>> = {};
  /** A 2-D set's training points, drawn over the boundary. */
  @property({ attribute: false }) points: readonly LabelledPoint[] = [];
  @property({ type: Number }) threshold = 1;
  /** In compare mode, the rule whose run these views show; '' for a single run. */
  @property() following = '';
  @state() private traces: readonly MembraneTrace[] = [];
  /** The sample images and predictions, remade only when a new inspection arrives. */
  private samplesDrawn: { from: Inspections['samples']; images: Uint8Array; predictions: { label: number; predicted: number; probability: number }[] } | null = null;

  @query('spike-raster') private raster!: SpikeRaster | null;

  /** A spiking run's recording: its first sample scrolls into the raster; its traced membranes replace the traces. */
  pushRecording(r: SpikingRecording): void {
    if (r.samples.length === 0) return;
    this.raster?.push(rasterFrameOf(r, 0));
    this.traces = membraneTracesOf(r, 0, TRACED_LAYER);
  }

  /** A new run: the raster and traces start empty. */
  clearRecordings(): void {
    this.raster?.clear();
    this.traces = [];
  }

  override render() {
    const shown = this.views.filter((v) => this.available.includes(v));
    // Loss and accuracy share one chart, placed where the first of them is listed.
    const series = shown.filter((s): s is ChartSeries => s === 'loss' || s === 'accuracy');
    const panels = shown.filter((v) => v !== 'accuracy' || !series.includes('loss'));
    // Keyed, so a panel keeps its canvas (the raster's history) when others come and go.
    return html`<view-toggles .views=${this.views} .available=${this.available} data-views></view-toggles>
      <div class="panels">${repeat(panels, (v) => (v === 'loss' || v === 'accuracy' ? 'curves' : v), (v) => (v === 'loss' || v === 'accuracy' ? this.chart(series) : this.panel(v)))}</div>`;
  }

  private chart(series: ChartSeries[]) {
    return html`<section class="card wide" aria-label="Learning curves" data-view="curves">${this.caption()}<metrics-chart .records=${this.records} .show=${series}></metrics-chart></section>`;
  }

  /** Which compared rule a view shows; nothing for a single run. */
  private caption() {
    const rule = this.following;
    if (!rule) return nothing;
    return html`<p class="following" data-following=${rule}>Showing ${ruleLabel(rule)} (${rule}), the first compared rule.</p>`;
  }

  private panel(v: View) {
    const failed = (kind: InspectKind) => (this.failures[kind] ? html`<p class="failed">${this.failures[kind]}</p>` : nothing);
    const i = this.inspections;
    switch (v) {
      case 'angles':
        return html`<section class="card wide" aria-label="Alignment angles" data-view="angles">${this.caption()}<layer-angles .layers=${this.layers} .sizes=${this.sizes}></layer-angles></section>`;
      case 'raster':
        return html`<section class="card wide" aria-label="Spikes" data-view="raster">
          ${this.caption()}
          <spike-raster></spike-raster>
          <membrane-traces .traces=${this.traces} threshold=${this.threshold} heading="Membrane potential, first hidden layer"></membrane-traces>
        </section>`;
      case 'receptive-fields': {
        const w = i.weights?.weights;
        return html`<section class="card wide" aria-label="Receptive fields" data-view="receptive-fields">
          ${this.caption()}
          <receptive-fields .weights=${w?.weights ?? new Float32Array(0)} units=${w?.units ?? 0} rows=${this.rows} cols=${this.cols}></receptive-fields>
          ${failed('weights')}
        </section>`;
      }
      case 'confusion':
        // A few classes fit half the width; ten need all of it.
        return html`<section class=${`card ${this.classNames.length > 4 ? 'wide' : ''}`} aria-label="Confusion matrix" data-view="confusion">
          ${this.caption()}
          <confusion-matrix .counts=${i.confusion?.counts ?? []} .classNames=${this.classNames}></confusion-matrix>
          ${failed('confusion')}
        </section>`;
      case 'samples': {
        const { images, predictions } = this.samplesOf(i.samples);
        return html`<section class="card wide" aria-label="Sample predictions" data-view="samples">
          ${this.caption()}
          <sample-predictions .images=${images} rows=${this.rows} cols=${this.cols} .predictions=${predictions} .classNames=${this.classNames}></sample-predictions>
          ${failed('samples')}
        </section>`;
      }
      case 'boundary': {
        const g = i.grid?.prediction;
        return html`<section class="card" aria-label="Decision boundary" data-view="boundary">
          ${this.caption()}
          <decision-boundary width=${g ? BOUNDARY_GRID : 0} height=${g ? BOUNDARY_GRID : 0} classes=${g?.classes ?? this.classNames.length}
            .probabilities=${g?.probabilities ?? new Float32Array(0)} .points=${this.points} .classNames=${this.classNames}></decision-boundary>
          ${failed('grid')}
        </section>`;
      }
      default:
        return nothing;
    }
  }

  private samplesOf(from: Inspections['samples']) {
    if (this.samplesDrawn?.from !== from) {
      const samples = from?.samples ?? [];
      const size = this.rows * this.cols;
      const images = new Uint8Array(samples.length * size);
      samples.forEach((s, k) => images.set(s.pixels.subarray(0, size), k * size));
      const predictions = samples.map((s) => ({ label: s.label, predicted: s.predicted, probability: s.probabilities[s.predicted] ?? 0 }));
      this.samplesDrawn = { from, images, predictions };
    }
    return this.samplesDrawn;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lab-views': LabViews;
  }
}
