// Test-set confusion matrix as a table: rows are true classes, columns predictions, each
// cell shaded by its share of the row and labelled with its count.
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { rowNormalize } from './view-data';

@customElement('confusion-matrix')
export class ConfusionMatrix extends LitElement {
  static override styles = css`
    :host {
      display: block;
      overflow-x: auto;
      min-width: 0;
      color: var(--text);
    }
    table {
      border-collapse: separate;
      border-spacing: 2px;
      font-variant-numeric: tabular-nums;
      font-size: 0.85rem;
    }
    caption {
      text-align: left;
      font-weight: 600;
      padding-bottom: 0.4rem;
    }
    caption .note {
      display: block;
      font-weight: 400;
      color: var(--muted);
      font-size: 0.82rem;
    }
    th {
      font-weight: 600;
      color: var(--muted);
      font-size: 0.78rem;
      padding: 0.2rem 0.3rem;
    }
    thead th {
      vertical-align: bottom;
      text-align: center;
    }
    /* Long class names run upwards, so ten columns fit a tablet. */
    .long thead th.class {
      writing-mode: vertical-rl;
      transform: rotate(180deg);
      text-align: left;
      white-space: nowrap;
    }
    tbody th {
      text-align: right;
      white-space: nowrap;
    }
    td {
      min-width: 2.1rem;
      padding: 0.3rem 0.25rem;
      text-align: center;
      border-radius: 3px;
      /* --share: the cell's fraction of its row, 0 to 1. */
      background: color-mix(in srgb, var(--accent) calc(var(--share, 0) * 100%), var(--surface-alt));
    }
    /* From about 70 % accent on, light text reads better than dark. */
    td.strong {
      color: var(--on-accent);
    }
    td.diagonal {
      outline: 1.5px solid var(--text);
      outline-offset: -1.5px;
    }
    td.zero {
      color: var(--muted);
    }
    td.recall {
      background: none;
      color: var(--muted);
    }
    .axis {
      color: var(--text);
      font-size: 0.8rem;
    }
  `;

  /** Counts [true class * classes + predicted class], classes² of them. */
  @property({ attribute: false }) counts: ArrayLike<number> = [];
  /** One name per class; their number sets the matrix size. */
  @property({ attribute: false }) classNames: readonly string[] = [];
  @property() heading = 'Confusion matrix (test set)';

  private shares: Float64Array = new Float64Array(0);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('counts') || changed.has('classNames')) this.shares = rowNormalize(this.counts, this.classNames.length);
  }

  override render() {
    const names = this.classNames;
    const k = names.length;
    const filled = k > 0 && this.counts.length >= k * k;
    const long = names.some((n) => n.length > 3);
    return html`<table class=${long ? 'long' : ''}>
      <caption>
        ${this.heading}
        <span class="note">Rows: true class; columns: predicted. Shading: share of the row; outlined: correct.</span>
      </caption>
      <thead>
        <tr>
          <th scope="col" class="axis">True ↓ / predicted →</th>
          ${names.map((n) => html`<th scope="col" class="class">${n}</th>`)}
          <th scope="col" title="Share of this class's images classified correctly">Recall</th>
        </tr>
      </thead>
      <tbody>
        ${filled
          ? names.map((n, r) => this.row(n, r, k))
          : html`<tr><td colspan=${k + 2} class="zero">The matrix appears once the test set is scored.</td></tr>`}
      </tbody>
    </table>`;
  }

  private row(name: string, r: number, k: number) {
    const names = this.classNames;
    let total = 0;
    for (let c = 0; c < k; c++) total += this.counts[r * k + c]!;
    return html`<tr>
      <th scope="row">${name}</th>
      ${names.map((p, c) => {
        const count = this.counts[r * k + c]!;
        const share = this.shares[r * k + c]!;
        const cls = [share >= 0.7 ? 'strong' : '', r === c ? 'diagonal' : '', count === 0 ? 'zero' : ''].join(' ');
        return html`<td class=${cls} style=${`--share: ${share.toFixed(3)}`} title=${`True ${name}, predicted ${p}: ${count} (${(100 * share).toFixed(1)}% of ${total})`}>${count}</td>`;
      })}
      <td class="recall">${total > 0 ? `${((100 * this.counts[r * k + r]!) / total).toFixed(0)}%` : '—'}</td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confusion-matrix': ConfusionMatrix;
  }
}
