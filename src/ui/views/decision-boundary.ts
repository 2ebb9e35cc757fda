// For the 2-D teaching sets: the network's class probabilities over [-1, 1]², coloured
// by class, with the training points on top. The grid comes from gridPoints(width, height).
import { css, html, type PropertyValues, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { CanvasView } from './canvas-view';
import { classColor, classMarker, markerPolygon, probabilityPixels } from './view-data';
import { viewStyles } from './view-styles';

export interface LabelledPoint {
  /** Coordinates in [-1, 1]; y grows upwards. */
  x: number;
  y: number;
  label: number;
}

@customElement('decision-boundary')
export class DecisionBoundary extends CanvasView {
  static override styles = [
    viewStyles,
    css`
      canvas.plot {
        aspect-ratio: 1;
        max-width: var(--boundary-size, 26rem);
        margin: 0 auto;
        border: 1px solid var(--border);
        border-radius: var(--radius-small);
        box-sizing: border-box;
      }
      .legend {
        justify-content: center;
      }
      svg {
        flex: none;
      }
    `,
  ];

  /** The grid's columns and rows; cell (row 0, column 0) is the top-left, at (x, y) near (-1, +1). */
  @property({ type: Number }) width = 0;
  @property({ type: Number }) height = 0;
  @property({ type: Number }) classes = 2;
  /** Probabilities [row, column, class], height * width * classes of them. */
  @property({ attribute: false }) probabilities: Float32Array = new Float32Array(0);
  @property({ attribute: false }) points: readonly LabelledPoint[] = [];
  @property({ attribute: false }) classNames: readonly string[] = [];
  @property() heading = 'Decision boundary';

  /** The probability grid at its own resolution, smoothed when drawn. */
  private image: HTMLCanvasElement | null = null;

  private get hasGrid(): boolean {
    return this.width > 0 && this.height > 0 && this.classes > 0 && this.probabilities.length >= this.width * this.height * this.classes;
  }

  override render() {
    const names = Array.from({ length: this.classes }, (_, k) => this.classNames[k] ?? `Class ${k}`);
    return html`<figure>
      <figcaption>
        <span class="title">${this.heading}</span>
        <span class="note">Colour: the class the network predicts there, paler where it is unsure. Markers: training points.</span>
      </figcaption>
      <canvas class="plot" role="img" aria-label=${this.describe()}></canvas>
      <ul class="legend">
        ${names.map((n, k) => html`<li>${markerSvg(k)}${n}</li>`)}
      </ul>
    </figure>`;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('probabilities') || changed.has('width') || changed.has('height') || changed.has('classes')) this.image = null;
  }

  protected override updated(): void {
    this.scheduleDraw();
  }

  protected override themeChanged(): void {
    this.image = null;
  }

  private buildImage(): HTMLCanvasElement | null {
    if (!this.hasGrid) return null;
    const image = document.createElement('canvas');
    image.width = this.width;
    image.height = this.height;
    const background = this.rgb(this.color('--surface', '#ffffff'));
    const pixels = probabilityPixels(this.probabilities, this.width * this.height, this.classes, background);
    image.getContext('2d')!.putImageData(new ImageData(pixels, this.width, this.height), 0, 0);
    return image;
  }

  protected override draw(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    this.image ??= this.buildImage();
    ctx.fillStyle = this.color('--surface-alt', '#f1f4f8');
    ctx.fillRect(0, 0, width, height);
    if (this.image) {
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(this.image, 0, 0, width, height);
    }
    const r = Math.max(2.5, Math.min(5, width / 90));
    ctx.lineWidth = 1;
    ctx.strokeStyle = this.color('--text', '#1d2430');
    // One path per class: a few fills however many points there are.
    for (let k = 0; k < this.classes; k++) {
      ctx.beginPath();
      const marker = classMarker(k);
      for (const p of this.points) {
        if (p.label !== k) continue;
        const x = ((p.x + 1) / 2) * width;
        const y = ((1 - p.y) / 2) * height;
        const corners = markerPolygon(marker, x, y, r);
        if (corners.length === 0) {
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, 2 * Math.PI);
        } else {
          corners.forEach(([cx, cy], i) => (i === 0 ? ctx.moveTo(cx, cy) : ctx.lineTo(cx, cy)));
          ctx.closePath();
        }
      }
      ctx.fillStyle = classColor(k);
      ctx.fill();
      ctx.stroke();
    }
  }

  private describe(): string {
    const grid = this.hasGrid ? `predicted classes over a ${this.width}×${this.height} grid` : 'no predictions yet';
    return `${this.heading}: ${grid}, with ${this.points.length} training points of ${this.classes} classes`;
  }
}

/** The legend's marker: the class's shape in its colour. */
function markerSvg(k: number) {
  const corners = markerPolygon(classMarker(k), 7, 7, 5);
  const style = `fill: ${classColor(k)}; stroke: var(--text); stroke-width: 1`;
  return html`<svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
    ${corners.length === 0
      ? svgCircle(style)
      : svgPolygon(corners.map((c) => c.join(',')).join(' '), style)}
  </svg>`;
}

const svgCircle = (style: string) => svg`<circle cx="7" cy="7" r="5" style=${style}></circle>`;
const svgPolygon = (points: string, style: string) => svg`<polygon points=${points} style=${style}></polygon>`;

declare global {
  interface HTMLElementTagNameMap {
    'decision-boundary': DecisionBoundary;
  }
}
