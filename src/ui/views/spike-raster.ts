// A spike raster (neuron x time) that scrolls as recordings arrive. push() writes the new
// time steps into one ring canvas per layer and schedules a paint; the template renders
// again only when the layers' shape changes, never per frame.
import { html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CanvasView } from './canvas-view';
import { bandHeights, firingRate, type RasterFrame, type Rgb } from './view-data';
import { viewStyles } from './view-styles';

export type { RasterFrame, RasterLayer } from './view-data';

type Shape = ReadonlyArray<{ label: string; neurons: number }>;

@customElement('spike-raster')
export class SpikeRaster extends CanvasView {
  static override styles = viewStyles;

  /** Time steps kept on screen; older ones scroll off to the left. */
  @property({ type: Number }) window = 400;
  /** Neurons drawn per layer (the first ones); rates still count them all. */
  @property({ type: Number, attribute: 'max-neurons' }) maxNeurons = 128;
  @property() heading = 'Spike raster';

  @state() private shape: Shape = [];

  private rings: HTMLCanvasElement[] = [];
  private rates: number[] = [];
  /** Next ring column to write, columns holding data, and columns ever written. */
  private head = 0;
  private filled = 0;
  private written = 0;
  /** `written` at the start of each frame still on screen, for the separators. */
  private starts: number[] = [];
  private lastStep: number | undefined;
  /** The spikes' colour as channels; null after a theme change. */
  private ink: Rgb | null = null;

  override render() {
    const capped = this.shape.filter((l) => l.neurons > this.maxNeurons);
    const note = capped.length > 0 ? `The middle ${this.maxNeurons} neurons of ${capped.map((l) => `${l.label} (${l.neurons})`).join(', ')} shown; rates count every neuron.` : '';
    return html`<figure>
      <figcaption><span class="title">${this.heading}</span><span class="note">Each dot a spike; newest on the right. Rate: spikes per neuron per time step. ${note}</span></figcaption>
      <canvas class="plot" role="img" aria-label=${this.describe()} style="height: var(--raster-height, 280px)"></canvas>
      ${this.shape.length === 0 ? html`<div class="empty">Spikes appear here once a spiking network is recorded.</div>` : null}
    </figure>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A new window or cap (not the first values) needs new rings; the frames drawn are dropped.
    if (changed.get('window') !== undefined || changed.get('maxNeurons') !== undefined) this.rebuild();
  }

  /** Appends one sample's recording: `steps` columns of every layer, scrolling older ones left. */
  push(frame: RasterFrame): void {
    if (!sameShape(frame, this.shape)) this.reset(frame);
    const W = this.window;
    const cols = Math.min(frame.steps, W);
    const skip = frame.steps - cols;
    const ink = (this.ink ??= this.rgb(this.color('--text', '#1d2430')));
    frame.layers.forEach((layer, i) => {
      const rows = Math.min(layer.neurons, this.maxNeurons);
      // A capped layer shows its middle neurons: an image's first pixels are its blank top rows.
      const firstNeuron = Math.floor((layer.neurons - rows) / 2);
      const image = new ImageData(cols, rows);
      const px = image.data;
      for (let t = 0; t < cols; t++) {
        const base = (skip + t) * layer.neurons + firstNeuron;
        for (let n = 0; n < rows; n++) {
          if (!(layer.spikes[base + n]! > 0)) continue;
          const o = (n * cols + t) * 4;
          px[o] = ink[0];
          px[o + 1] = ink[1];
          px[o + 2] = ink[2];
          px[o + 3] = 255;
        }
      }
      const ctx = this.rings[i]!.getContext('2d')!;
      const first = Math.min(cols, W - this.head);
      ctx.putImageData(image, this.head, 0, 0, 0, first, rows);
      if (first < cols) ctx.putImageData(image, -first, 0, first, 0, cols - first, rows);
      this.rates[i] = firingRate(layer.spikes, frame.steps, layer.neurons);
    });
    this.starts.push(this.written);
    this.written += cols;
    this.starts = this.starts.filter((s) => this.written - s <= W);
    this.head = (this.head + cols) % W;
    this.filled = Math.min(W, this.filled + cols);
    this.lastStep = frame.step;
    this.scheduleDraw();
  }

  /** Forgets every frame (the layers' shape is kept). */
  clear(): void {
    for (const r of this.rings) r.getContext('2d')!.clearRect(0, 0, r.width, r.height);
    this.head = this.filled = this.written = 0;
    this.starts = [];
    this.rates = this.rates.map(() => 0);
    this.scheduleDraw();
  }

  private reset(frame: RasterFrame): void {
    this.shape = frame.layers.map((l) => ({ label: l.label, neurons: l.neurons }));
    this.rebuild();
  }

  private rebuild(): void {
    this.rings = this.shape.map((l) => Object.assign(document.createElement('canvas'), { width: this.window, height: Math.min(l.neurons, this.maxNeurons) }));
    this.rates = this.shape.map(() => 0);
    this.clear();
  }

  protected override themeChanged(): void {
    // Recolour the spikes already drawn: keep their alpha, take the new ink.
    this.ink = null;
    const ink = this.color('--text', '#1d2430');
    for (const r of this.rings) {
      const ctx = r.getContext('2d')!;
      ctx.globalCompositeOperation = 'source-in';
      ctx.fillStyle = ink;
      ctx.fillRect(0, 0, r.width, r.height);
      ctx.globalCompositeOperation = 'source-over';
    }
  }

  protected override draw(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    if (this.shape.length === 0) return;
    const narrow = width < 480;
    const left = narrow ? 70 : 96;
    const right = narrow ? 48 : 60;
    const gap = 6;
    const axis = 18;
    const plotW = Math.max(1, width - left - right);
    const rows = this.shape.map((l) => Math.min(l.neurons, this.maxNeurons));
    const heights = bandHeights(rows, height - axis - gap * (rows.length - 1), 22);
    const W = this.window;
    const cw = plotW / W;
    const muted = this.color('--muted', '#5b6472');
    ctx.textBaseline = 'middle';
    let y = 0;
    this.shape.forEach((layer, i) => {
      const h = heights[i]!;
      ctx.fillStyle = this.color('--surface-alt', '#f1f4f8');
      ctx.fillRect(left, y, plotW, h);
      ctx.imageSmoothingEnabled = h < rows[i]! || cw < 1;
      const ring = this.rings[i]!;
      const x0 = left + plotW - this.filled * cw;
      if (this.filled < W) {
        if (this.filled > 0) ctx.drawImage(ring, 0, 0, this.filled, rows[i]!, x0, y, this.filled * cw, h);
      } else {
        const older = W - this.head;
        ctx.drawImage(ring, this.head, 0, older, rows[i]!, left, y, older * cw, h);
        if (this.head > 0) ctx.drawImage(ring, 0, 0, this.head, rows[i]!, left + older * cw, y, this.head * cw, h);
      }
      ctx.fillStyle = this.color('--border-strong', '#c3cad4');
      for (const s of this.starts) if (s > 0) ctx.fillRect(left + plotW - (this.written - s) * cw, y, 1, h);
      ctx.textAlign = 'left';
      ctx.fillStyle = this.color('--text', '#1d2430');
      ctx.font = this.font(narrow ? 11 : 12, 600);
      ctx.fillText(layer.label, 0, y + h / 2 - (h >= 34 ? 7 : 0), left - 6);
      if (h >= 34) {
        ctx.fillStyle = muted;
        ctx.font = this.font(11);
        ctx.fillText(rows[i]! < layer.neurons ? `middle ${rows[i]} of ${layer.neurons}` : `${layer.neurons} neurons`, 0, y + h / 2 + 8, left - 6);
      }
      ctx.textAlign = 'right';
      ctx.fillStyle = muted;
      ctx.font = this.font(narrow ? 11 : 12);
      ctx.fillText(`${(100 * (this.rates[i] ?? 0)).toFixed(1)}%`, width, y + h / 2);
      y += h + gap;
    });
    ctx.fillStyle = muted;
    ctx.font = this.font(11);
    ctx.textAlign = 'left';
    ctx.fillText(`← ${W} time steps`, left, height - axis / 2);
    ctx.textAlign = 'right';
    ctx.fillText(this.lastStep !== undefined ? `training step ${this.lastStep.toLocaleString()}` : 'now', left + plotW, height - axis / 2);
  }

  private describe(): string {
    if (this.shape.length === 0) return `${this.heading}: no spikes recorded yet`;
    return `${this.heading}: spikes of ${this.shape.map((l) => `${l.label} (${l.neurons} neurons)`).join(', ')} over the last ${this.window} time steps`;
  }
}

function sameShape(frame: RasterFrame, shape: Shape): boolean {
  return frame.layers.length === shape.length && frame.layers.every((l, i) => l.neurons === shape[i]!.neurons && l.label === shape[i]!.label);
}

declare global {
  interface HTMLElementTagNameMap {
    'spike-raster': SpikeRaster;
  }
}
