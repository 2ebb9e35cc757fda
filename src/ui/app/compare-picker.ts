// Compare mode's control: which rules train side by side (2 to 6 of the network kind's
// rules). It keeps the person's picks while fewer than two are ticked and emits
// 'compare-change' ({ compare }) with the list, or [] (no comparison) below two.
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LIMITS } from '../experiment/experiment';
import { ruleLabel } from './labels';

export type CompareChangeEvent = CustomEvent<{ compare: string[] }>;

@customElement('compare-picker')
export class ComparePicker extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-size: 0.92rem;
    }
    fieldset {
      border: 1px solid var(--border);
      border-radius: var(--radius-small);
      margin: 0;
      padding: 0.5rem 0.75rem 0.6rem;
    }
    legend {
      font-weight: 600;
      padding: 0 0.25rem;
    }
    .rules {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.9rem;
    }
    label {
      display: inline-flex;
      align-items: center;
      gap: 0.3rem;
    }
    input:focus-visible {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
    p {
      margin: 0.4rem 0 0;
      color: var(--muted);
      font-size: 0.85rem;
    }
  `;

  /** The rules that may be compared (the network kind's). */
  @property({ attribute: false }) rules: readonly string[] = [];
  /** The experiment's comparison: [] or 2 to 6 rules. */
  @property({ attribute: false }) compare: readonly string[] = [];

  @state() private picked: readonly string[] = [];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('compare') && (this.compare.length > 0 || this.picked.length >= LIMITS.minCompare)) this.picked = [...this.compare];
  }

  override render() {
    const full = this.picked.length >= LIMITS.maxCompare;
    return html`<fieldset>
      <legend>Compare rules</legend>
      <div class="rules">
        ${this.rules.map((r) => {
          const on = this.picked.includes(r);
          return html`<label><input type="checkbox" name="compare" value=${r} .checked=${on} ?disabled=${!on && full} @change=${this.onChange} />${ruleLabel(r)}</label>`;
        })}
      </div>
      <p>Tick ${LIMITS.minCompare} to ${LIMITS.maxCompare} rules to train them side by side from the same weights; Play, Pause and Reset act on all.</p>
    </fieldset>`;
  }

  private onChange(e: Event): void {
    const input = e.target as HTMLInputElement;
    const set = new Set(this.picked);
    if (input.checked) set.add(input.value);
    else set.delete(input.value);
    // In the rules' order, so a link names them the same way whatever the clicks.
    this.picked = this.rules.filter((r) => set.has(r));
    const compare = this.picked.length >= LIMITS.minCompare ? [...this.picked] : [];
    this.dispatchEvent(new CustomEvent('compare-change', { detail: { compare }, bubbles: true, composed: true }) as CompareChangeEvent);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'compare-picker': ComparePicker;
  }
}
