// A table of each layer's alignment angles from the latest metrics record; for a
// spiking run, each layer's firing rate too (its records carry no gradient angle).
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/** A layer's row: a rate run's LayerMetrics or a spiking run's SpikingLayerMetrics. */
export interface LayerRow {
  layer: number;
  weightAngle: number | null;
  gradientAngle?: number | null;
  /** Spikes per neuron per time step. */
  firingRate?: number;
}

const WEIGHT_TITLE = 'Angle between the forward weights W and the transposed backward weights B^T; 0° means B is exactly W^T.';
const GRADIENT_TITLE = "Angle between the error this rule sends into the layer (B δ) and backprop's (W^T δ); below 90° the rule still descends.";
const NOT_DEFINED = 'Not defined here: the first layer sends no error back, and direct feedback has B of another shape.';
const RATE_TITLE = 'Spikes per neuron per time step over the latest probed batch.';

@customElement('layer-angles')
export class LayerAngles extends LitElement {
  static override styles = css`
    :host {
      display: block;
      overflow-x: auto;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-variant-numeric: tabular-nums;
    }
    caption {
      text-align: left;
      font-weight: 600;
      padding-bottom: 0.4rem;
    }
    th,
    td {
      padding: 0.35rem 0.6rem;
      border-bottom: 1px solid var(--border);
      text-align: right;
      white-space: nowrap;
    }
    th:first-child,
    td:first-child {
      text-align: left;
    }
    th {
      font-weight: 600;
      color: var(--muted);
      font-size: 0.85rem;
    }
    tbody th {
      color: inherit;
      font-size: inherit;
    }
    th[title] {
      cursor: help;
      text-decoration: underline dotted;
    }
    .none {
      color: var(--muted);
    }
  `;

  @property({ attribute: false }) layers: readonly LayerRow[] = [];
  /** Layer sizes, input first, to label each row with its shape. */
  @property({ attribute: false }) sizes: readonly number[] = [];

  override render() {
    const gradient = this.layers.length === 0 || this.layers.some((l) => l.gradientAngle !== undefined);
    const rate = this.layers.some((l) => l.firingRate !== undefined);
    const columns = 2 + (gradient ? 1 : 0) + (rate ? 1 : 0);
    return html`<table>
      <caption>${rate ? 'Per layer: alignment with backprop and firing rate' : 'Alignment with backprop, per layer'}</caption>
      <thead>
        <tr>
          <th scope="col">Layer</th>
          <th scope="col" title=${WEIGHT_TITLE}>Weight angle ∠(W, Bᵀ)</th>
          ${gradient ? html`<th scope="col" title=${GRADIENT_TITLE}>Gradient angle ∠(Bδ, Wᵀδ)</th>` : nothing}
          ${rate ? html`<th scope="col" title=${RATE_TITLE}>Firing rate</th>` : nothing}
        </tr>
      </thead>
      <tbody>
        ${this.layers.length === 0
          ? html`<tr><td colspan=${columns} class="none">Angles appear with the first metrics.</td></tr>`
          : this.layers.map(
              (l) => html`<tr>
                <th scope="row">${l.layer} <span class="none">${this.shape(l.layer)}</span></th>
                ${angle(l.weightAngle)} ${gradient ? angle(l.gradientAngle ?? null) : nothing}
                ${rate ? html`<td>${l.firingRate !== undefined && Number.isFinite(l.firingRate) ? `${(100 * l.firingRate).toFixed(1)}%` : '—'}</td>` : nothing}
              </tr>`,
            )}
      </tbody>
    </table>`;
  }

  private shape(layer: number): string {
    const nIn = this.sizes[layer - 1];
    const nOut = this.sizes[layer];
    return nIn !== undefined && nOut !== undefined ? `(${nIn}→${nOut})` : '';
  }
}

function angle(deg: number | null) {
  if (deg === null || !Number.isFinite(deg)) return html`<td class="none" title=${NOT_DEFINED}>—</td>`;
  return html`<td>${deg.toFixed(1)}°</td>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'layer-angles': LayerAngles;
  }
}
