// A strip of test images with their true and predicted labels and the top probability.
// Each image is a small canvas filled once per new set of images.
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { greyPixels } from './view-data';
import { viewStyles } from './view-styles';

export interface SamplePrediction {
  /** True class. */
  label: number;
  /** Predicted class. */
  predicted: number;
  /** The predicted class's probability, 0 to 1. */
  probability: number;
}

@customElement('sample-predictions')
export class SamplePredictions extends LitElement {
  static override styles = [
    viewStyles,
    css`
      ol {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(5.75rem, 1fr));
        gap: 0.6rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: grid;
        justify-items: center;
        gap: 0.25rem;
        padding: 0.4rem 0.3rem;
        border: 1px solid var(--border);
        border-radius: var(--radius-small);
        background: var(--surface-alt);
        font-size: 0.78rem;
        line-height: 1.3;
        text-align: center;
      }
      li.wrong {
        border-color: var(--error);
      }
      canvas {
        width: 56px;
        height: auto;
        image-rendering: pixelated;
        border-radius: 3px;
      }
      .verdict {
        font-weight: 600;
      }
      .right .verdict {
        color: var(--ok);
      }
      .wrong .verdict {
        color: var(--error);
      }
      .muted {
        color: var(--muted);
      }
    `,
  ];

  /** count * rows * cols grey bytes, image after image, one per prediction. */
  @property({ attribute: false }) images: Uint8Array = new Uint8Array(0);
  @property({ type: Number }) rows = 28;
  @property({ type: Number }) cols = 28;
  @property({ attribute: false }) predictions: readonly SamplePrediction[] = [];
  @property({ attribute: false }) classNames: readonly string[] = [];
  @property() heading = 'Test images and predictions';

  override render() {
    const right = this.predictions.filter((p) => p.label === p.predicted).length;
    return html`<figure>
      <figcaption>
        <span class="title">${this.heading}</span>
        ${this.predictions.length > 0 ? html`<span class="note">${right} of ${this.predictions.length} right</span>` : null}
      </figcaption>
      ${this.predictions.length === 0
        ? html`<p class="note">Predictions appear here once the test set is scored.</p>`
        : html`<ol>
            ${this.predictions.map((p, i) => this.item(p, i))}
          </ol>`}
    </figure>`;
  }

  private item(p: SamplePrediction, i: number) {
    const ok = p.label === p.predicted;
    const truth = this.name(p.label);
    const guess = this.name(p.predicted);
    const percent = `${Math.round(100 * p.probability)}%`;
    return html`<li class=${ok ? 'right' : 'wrong'}>
      <canvas width=${this.cols} height=${this.rows} data-index=${i} role="img"
        aria-label=${`Test image ${i + 1}: true ${truth}, predicted ${guess} with ${percent}, ${ok ? 'right' : 'wrong'}`}></canvas>
      <span aria-hidden="true"><span class="muted">true</span> ${truth}</span>
      <span aria-hidden="true" class="verdict">${ok ? '✓' : '✗'} ${guess} <span class="muted">${percent}</span></span>
    </li>`;
  }

  private name(k: number): string {
    return this.classNames[k] ?? String(k);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('images') && !changed.has('predictions') && !changed.has('rows') && !changed.has('cols')) return;
    const size = this.rows * this.cols;
    for (const canvas of this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas[data-index]')) {
      const i = Number(canvas.dataset.index);
      const ctx = canvas.getContext('2d')!;
      if (this.images.length < (i + 1) * size) {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        continue;
      }
      ctx.putImageData(new ImageData(greyPixels(this.images, i * size, size), this.cols, this.rows), 0, 0);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sample-predictions': SamplePredictions;
  }
}
