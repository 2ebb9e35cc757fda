// A few neurons' membrane potential over one sample's time steps, with the firing threshold.
import { html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { CanvasView } from './canvas-view';
import { classColor, type MembraneTrace, traceRange } from './view-data';
import { viewStyles } from './view-styles';

export type { MembraneTrace } from './view-data';

@customElement('membrane-traces')
export class MembraneTraces extends CanvasView {
  static override styles = viewStyles;

  /** The traced neurons, each with one value per time step. Replace the array to redraw. */
  @property({ attribute: false }) traces: readonly MembraneTrace[] = [];
  /** The firing threshold, drawn as a dashed line. */
  @property({ type: Number }) threshold = 1;
  @property() heading = 'Membrane potential';

  override render() {
    return html`<figure>
      <figcaption><span class="title">${this.heading}</span><span class="note">Dashed: the threshold θ = ${this.threshold}; a neuron spikes when its potential reaches it.</span></figcaption>
      <canvas class="plot" role="img" aria-label=${this.describe()} style="height: var(--traces-height, 200px)"></canvas>
      ${this.traces.length === 0 ? html`<div class="empty">Traces appear here once a spiking network is recorded.</div>` : null}
      <ul class="legend">
        ${this.traces.map((t, i) => html`<li><span class="swatch" style="background: ${classColor(i)}"></span>${t.label}</li>`)}
      </ul>
    </figure>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('traces') || changed.has('threshold')) this.scheduleDraw();
  }

  protected override draw(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    const left = 40;
    const bottom = 18;
    const top = 6;
    const plotW = Math.max(1, width - left - 4);
    const plotH = Math.max(1, height - top - bottom);
    const steps = Math.max(1, ...this.traces.map((t) => t.values.length));
    const { min, max } = traceRange(this.traces.map((t) => t.values), this.threshold);
    const x = (t: number) => left + (steps > 1 ? (t / (steps - 1)) * plotW : plotW / 2);
    const y = (v: number) => top + ((max - v) / (max - min)) * plotH;
    const muted = this.color('--muted', '#5b6472');

    ctx.strokeStyle = this.color('--grid', '#e7ebf0');
    ctx.lineWidth = 1;
    ctx.strokeRect(left + 0.5, top + 0.5, plotW - 1, plotH - 1);
    ctx.font = this.font(11);
    ctx.fillStyle = muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of [0, this.threshold]) ctx.fillText(v === 0 ? '0' : `θ ${v}`, left - 5, y(v));
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText('t = 0', left, height);
    ctx.textAlign = 'right';
    ctx.fillText(`t = ${steps - 1}`, left + plotW, height);

    ctx.beginPath();
    ctx.moveTo(left, Math.round(y(0)) + 0.5);
    ctx.lineTo(left + plotW, Math.round(y(0)) + 0.5);
    ctx.stroke();

    ctx.lineWidth = 1.75;
    ctx.lineJoin = 'round';
    this.traces.forEach((trace, i) => {
      ctx.strokeStyle = classColor(i);
      ctx.beginPath();
      for (let t = 0; t < trace.values.length; t++) {
        const v = trace.values[t]!;
        if (t === 0) ctx.moveTo(x(t), y(v));
        else ctx.lineTo(x(t), y(v));
      }
      ctx.stroke();
    });

    ctx.setLineDash([6, 4]);
    ctx.strokeStyle = this.color('--error', '#c92a2a');
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(left, y(this.threshold));
    ctx.lineTo(left + plotW, y(this.threshold));
    ctx.stroke();
    ctx.setLineDash([]);
  }

  private describe(): string {
    if (this.traces.length === 0) return `${this.heading}: nothing recorded yet`;
    const steps = Math.max(...this.traces.map((t) => t.values.length));
    return `${this.heading} of ${this.traces.map((t) => t.label).join(', ')} over ${steps} time steps, against the threshold ${this.threshold}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'membrane-traces': MembraneTraces;
  }
}
