// One labelled checkbox per view; a change emits 'views-change' with the views now shown.
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { View } from '../experiment/experiment';
import { toggleIn } from './view-data';

/** Every view, in the order offered; typed against the experiment's list so that the two cannot drift apart. */
const LABELS: Record<View, string> = {
  loss: 'Loss',
  accuracy: 'Accuracy',
  angles: 'Alignment angles',
  raster: 'Spike raster',
  'receptive-fields': 'Receptive fields',
  confusion: 'Confusion matrix',
  samples: 'Sample predictions',
  boundary: 'Decision boundary',
};
const ALL = Object.keys(LABELS) as View[];

export type ViewsChangeEvent = CustomEvent<{ views: View[] }>;

@customElement('view-toggles')
export class ViewToggles extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    fieldset {
      border: 0;
      margin: 0;
      padding: 0;
      min-width: 0;
    }
    legend {
      font-weight: 600;
      font-size: 0.92rem;
      padding: 0;
      margin-bottom: 0.4rem;
    }
    .options {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem 0.5rem;
    }
    label {
      display: inline-flex;
      align-items: center;
      gap: 0.35rem;
      padding: 0.3rem 0.6rem;
      border: 1px solid var(--border-strong);
      border-radius: 999px;
      background: var(--input-bg);
      font-size: 0.88rem;
      cursor: pointer;
      user-select: none;
    }
    label:has(input:checked) {
      border-color: var(--accent);
      background: var(--surface-alt);
    }
    label:has(input:disabled) {
      opacity: 0.5;
      cursor: not-allowed;
    }
    label:has(input:focus-visible) {
      outline: 2px solid var(--accent);
      outline-offset: 1px;
    }
    input {
      margin: 0;
      accent-color: var(--accent);
    }
  `;

  /** The views shown, in the order shown. */
  @property({ attribute: false }) views: readonly View[] = [];
  /** The views this run can show (e.g. the raster only for spiking networks); the others are disabled. Null: all. */
  @property({ attribute: false }) available: readonly View[] | null = null;
  @property() heading = 'Views';

  override render() {
    return html`<fieldset>
      <legend>${this.heading}</legend>
      <div class="options">
        ${ALL.map((v) => {
          const disabled = this.available !== null && !this.available.includes(v);
          return html`<label title=${disabled ? 'Not available for this run' : ''}>
            <input type="checkbox" name=${v} .checked=${this.views.includes(v)} ?disabled=${disabled} @change=${this.onChange} />${LABELS[v]}
          </label>`;
        })}
      </div>
    </fieldset>`;
  }

  private onChange(e: Event): void {
    const input = e.target as HTMLInputElement;
    const views = toggleIn(this.views, input.name as View, input.checked);
    this.views = views;
    this.dispatchEvent(new CustomEvent('views-change', { detail: { views }, bubbles: true, composed: true }) as ViewsChangeEvent);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'view-toggles': ViewToggles;
  }
  interface HTMLElementEventMap {
    'views-change': ViewsChangeEvent;
  }
}
