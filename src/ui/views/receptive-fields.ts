// The first layer's weights as images: one tile per hidden unit, each scaled by its own
// largest |w| so that the pattern shows whatever the unit's overall size.
import { css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { CanvasView } from './canvas-view';
import { unitWeights, type WeightLayout, type WeightMap, weightPixels } from './view-data';
import { viewStyles } from './view-styles';

const GAP = 4;

@customElement('receptive-fields')
export class ReceptiveFields extends CanvasView {
  static override styles = [
    viewStyles,
    // The colour bar under the tiles, in the same map as the tiles.
    css`
      .bar {
        display: grid;
        grid-template-columns: auto minmax(4rem, 12rem) auto;
        justify-content: start;
        align-items: center;
        gap: 0.4rem;
        margin-top: 0.5rem;
        font-size: 0.8rem;
        color: var(--muted);
      }
      .ramp {
        height: 0.6rem;
        border-radius: 2px;
        background: linear-gradient(to right, #2166ac, #92c5de, #f7f7f7, #f4a582, #b2182b);
      }
      .ramp.grey {
        background: linear-gradient(to right, #000, #fff);
      }
    `,
  ];

  /** The first layer's weights: [units, inputs] for 'unit-major' (the engine's W), [inputs, units] for 'input-major'. */
  @property({ attribute: false }) weights: Float32Array = new Float32Array(0);
  @property({ type: Number }) units = 0;
  /** The input's image shape; inputs = rows * cols. */
  @property({ type: Number }) rows = 28;
  @property({ type: Number }) cols = 28;
  @property() layout: WeightLayout = 'unit-major';
  /** Hidden units shown, the first ones. */
  @property({ type: Number }) count = 36;
  /** 'diverging': blue negative, red positive; 'grey': black negative, white positive. */
  @property() map: WeightMap = 'diverging';
  /** Preferred tile size in CSS pixels; the tiles stretch to fill the width. */
  @property({ type: Number, attribute: 'tile-size' }) tileSize = 56;
  @property() heading = 'Receptive fields, first layer';

  /** Every shown tile side by side at the input's resolution. */
  private strip: HTMLCanvasElement | null = null;

  private get shown(): number {
    const inputs = this.rows * this.cols;
    const available = inputs > 0 && this.weights.length >= inputs * this.units ? this.units : 0;
    return Math.max(0, Math.min(this.count, available));
  }

  override render() {
    const n = this.shown;
    return html`<figure>
      <figcaption>
        <span class="title">${this.heading}</span>
        <span class="note">${n > 0 ? `First ${n} of ${this.units} units; each scaled to its own largest |weight|.` : ''}</span>
      </figcaption>
      <canvas class="plot" role="img" aria-label=${`${this.heading}: ${n} units, ${this.rows}×${this.cols} weights each`}></canvas>
      ${n === 0 ? html`<div class="empty">The weights appear here once training starts.</div>` : null}
      <div class="bar" aria-hidden="true"><span>− max</span><span class=${`ramp ${this.map}`}></span><span>+ max</span></div>
    </figure>`;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const inputs = ['weights', 'units', 'rows', 'cols', 'layout', 'count', 'map'] as const;
    if (inputs.some((p) => changed.has(p))) this.strip = this.buildStrip();
  }

  protected override updated(): void {
    this.scheduleDraw();
  }

  private buildStrip(): HTMLCanvasElement | null {
    const n = this.shown;
    if (n === 0) return null;
    const { rows, cols } = this;
    const strip = this.strip ?? document.createElement('canvas');
    strip.width = n * cols;
    strip.height = rows;
    const ctx = strip.getContext('2d')!;
    for (let u = 0; u < n; u++) {
      const pixels = weightPixels(unitWeights(this.weights, u, rows * cols, this.units, this.layout), this.map);
      ctx.putImageData(new ImageData(pixels, cols, rows), u * cols, 0);
    }
    return strip;
  }

  protected override draw(ctx: CanvasRenderingContext2D, width: number): void {
    const n = this.shown;
    const across = Math.max(1, Math.floor((width + GAP) / (this.tileSize + GAP)));
    const tile = (width - GAP * (across - 1)) / across;
    const tileH = (tile * this.rows) / this.cols;
    const lines = Math.ceil(n / across);
    // The canvas is as tall as its tiles; this changes only with the width or the count.
    const wanted = `${Math.max(lines * (tileH + GAP) - GAP, tileH)}px`;
    if (this.canvas!.style.height !== wanted) this.canvas!.style.height = wanted;
    if (!this.strip) return;
    ctx.imageSmoothingEnabled = false;
    for (let u = 0; u < n; u++) {
      const x = (u % across) * (tile + GAP);
      const y = Math.floor(u / across) * (tileH + GAP);
      ctx.drawImage(this.strip, u * this.cols, 0, this.cols, this.rows, x, y, tile, tileH);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'receptive-fields': ReceptiveFields;
  }
}
