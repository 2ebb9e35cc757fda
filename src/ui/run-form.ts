// The run's settings: each control with a label, a short explanation, and its error beside it.
// It keeps the text as typed and hands it over on Start; parsing is form-values.ts's job.
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { DATASETS } from '../engine/data/loader';
import { MAX_HIDDEN_LAYERS } from '../engine/training/config';
import { RULES } from '../engine/rules/registry';
import { DEFAULT_FORM, type FieldName, type FormValues, MAX_EPOCHS } from './form-values';

export interface FormError {
  /** The control at fault, or null for a problem with the run as a whole. */
  field: FieldName | null;
  message: string;
}

export type RunStartEvent = CustomEvent<FormValues>;

const HELP: Record<FieldName, string> = {
  dataset: 'The images to learn: handwritten digits (MNIST) or clothing (Fashion-MNIST); 28×28 grey pixels, 10 classes.',
  rule: 'How the output error reaches the hidden layers. Backprop sends it back through the transposed forward weights; the others avoid that weight transport.',
  hidden: `Width of each hidden layer, separated by commas: "256,256" is two layers of 256 units (1 to ${MAX_HIDDEN_LAYERS} layers).`,
  lr: 'Step size of momentum SGD (momentum 0.9); 0.01 suits every rule. Too large and the loss diverges.',
  epochs: `Passes over the training set (1 to ${MAX_EPOCHS}); the test set is scored after each.`,
  seed: 'Fixes the initial weights, the shuffling and any noise, so a run can be repeated exactly.',
};

const LABELS: Record<FieldName, string> = {
  dataset: 'Dataset',
  rule: 'Learning rule',
  hidden: 'Hidden layer sizes',
  lr: 'Learning rate',
  epochs: 'Epochs',
  seed: 'Seed',
};

@customElement('run-form')
export class RunForm extends LitElement {
  static override styles = css`
    :host {
      display: block;
      container-type: inline-size;
    }
    form {
      display: grid;
      gap: 0.9rem;
    }
    /* Wide (a tablet, where the settings sit above the results): two columns, half the height. */
    @container (min-width: 540px) {
      form {
        grid-template-columns: repeat(2, minmax(0, 1fr));
        column-gap: 1.25rem;
      }
      .form-error,
      .buttons,
      .note {
        grid-column: 1 / -1;
      }
    }
    .field {
      display: grid;
      gap: 0.25rem;
      align-content: start;
    }
    label {
      font-weight: 600;
      font-size: 0.92rem;
    }
    .hint {
      color: var(--muted);
      font-size: 0.82rem;
      line-height: 1.35;
    }
    input,
    select {
      font: inherit;
      color: inherit;
      background: var(--input-bg);
      border: 1px solid var(--border-strong);
      border-radius: var(--radius-small);
      padding: 0.45rem 0.55rem;
      min-width: 0;
      width: 100%;
      box-sizing: border-box;
    }
    input:focus-visible,
    select:focus-visible,
    button:focus-visible {
      outline: 2px solid var(--accent);
      outline-offset: 1px;
    }
    [aria-invalid='true'] {
      border-color: var(--error);
      background: var(--error-bg);
    }
    input:disabled,
    select:disabled {
      opacity: 0.65;
    }
    .row {
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 0.9rem;
    }
    .error {
      color: var(--error);
      font-size: 0.85rem;
      line-height: 1.35;
    }
    .form-error {
      border: 1px solid var(--error);
      background: var(--error-bg);
      border-radius: var(--radius-small);
      padding: 0.5rem 0.65rem;
    }
    .buttons {
      display: flex;
      gap: 0.6rem;
    }
    button {
      font: inherit;
      font-weight: 600;
      border-radius: var(--radius-small);
      padding: 0.5rem 1.2rem;
      cursor: pointer;
      border: 1px solid var(--accent);
    }
    button.start {
      background: var(--accent);
      color: var(--on-accent);
    }
    button.stop {
      background: transparent;
      color: var(--accent);
    }
    button:disabled {
      opacity: 0.45;
      cursor: not-allowed;
    }
    .note {
      color: var(--muted);
      font-size: 0.82rem;
    }
  `;

  /** Values to show first (defaults, overridden by the URL). */
  @property({ attribute: false }) initial: Partial<FormValues> = {};
  /** A run is in progress: settings are locked and only Stop is offered. */
  @property({ type: Boolean }) running = false;
  /** Start cannot work here (no WebGPU). */
  @property({ type: Boolean }) unavailable = false;
  @property({ attribute: false }) error: FormError | null = null;
  /** A line under the buttons, e.g. that the URL asked for a subset of the data. */
  @property() note = '';

  @state() private values: FormValues = { ...DEFAULT_FORM };
  /** The user has edited the control the error is about since it was reported. */
  @state() private errorEdited = false;

  /** The text of every control, as typed. */
  get formValues(): FormValues {
    return { ...this.values };
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('initial')) this.values = { ...DEFAULT_FORM, ...this.initial };
    if (changed.has('error')) this.errorEdited = false;
  }

  override render() {
    const rule = RULES.find((r) => r.id === this.values.rule);
    const formError = this.error && this.error.field === null ? this.error.message : '';
    return html`<form novalidate @submit=${this.onSubmit} aria-label="Training settings">
      ${this.field(
        'dataset',
        html`<select id="dataset" .value=${live(this.values.dataset)} ?disabled=${this.running} title=${HELP.dataset} @change=${this.onInput} aria-invalid=${this.errorFor('dataset') ? 'true' : 'false'} aria-describedby=${describedBy('dataset', this.errorFor('dataset'))}>
          ${Object.entries(DATASETS).map(([id, d]) => html`<option value=${id} ?selected=${id === this.values.dataset}>${d.title}</option>`)}
        </select>`,
      )}
      ${this.field(
        'rule',
        html`<select id="rule" .value=${live(this.values.rule)} ?disabled=${this.running} title=${rule?.summary ?? HELP.rule} @change=${this.onInput} aria-invalid=${this.errorFor('rule') ? 'true' : 'false'} aria-describedby=${describedBy('rule', this.errorFor('rule'))}>
          ${RULES.map((r) => html`<option value=${r.id} title=${r.summary} ?selected=${r.id === this.values.rule}>${r.name} (${r.id})</option>`)}
        </select>`,
        rule?.summary ?? HELP.rule,
      )}
      ${this.field('hidden', this.input('hidden', { placeholder: '256,256', inputmode: 'text' }))}
      <div class="row">
        ${this.field('lr', this.input('lr', { placeholder: '0.01', inputmode: 'decimal' }))}
        ${this.field('epochs', this.input('epochs', { placeholder: '5', inputmode: 'numeric' }))}
      </div>
      ${this.field('seed', this.input('seed', { placeholder: '1', inputmode: 'numeric' }))}
      ${formError ? html`<div class="error form-error" role="alert" id="form-error">${formError}</div>` : nothing}
      <div class="buttons">
        <button class="start" type="submit" ?disabled=${this.running || this.unavailable}
          title=${this.unavailable ? 'WebGPU is unavailable in this browser.' : 'Load the dataset and train with these settings.'}>Start</button>
        <button class="stop" type="button" ?disabled=${!this.running} title="Stop after the current steps; the test set is scored once more." @click=${this.onStop}>Stop</button>
      </div>
      ${this.note ? html`<div class="note">${this.note}</div>` : nothing}
    </form>`;
  }

  private field(name: FieldName, control: unknown, hint = HELP[name]) {
    const error = this.errorFor(name);
    return html`<div class="field">
      <label for=${name} title=${HELP[name]}>${LABELS[name]}</label>
      ${control}
      ${error ? html`<div class="error" id=${`${name}-error`} role="alert">${error}</div>` : html`<div class="hint" id=${`${name}-hint`}>${hint}</div>`}
    </div>`;
  }

  private input(name: FieldName, opts: { placeholder: string; inputmode: string }) {
    const error = this.errorFor(name);
    return html`<input id=${name} type="text" autocomplete="off" spellcheck="false"
      inputmode=${opts.inputmode} placeholder=${opts.placeholder} title=${HELP[name]}
      .value=${live(this.values[name])} ?disabled=${this.running}
      aria-invalid=${error ? 'true' : 'false'} aria-describedby=${describedBy(name, error)}
      @input=${this.onInput} />`;
  }

  private errorFor(name: FieldName): string {
    return this.error && this.error.field === name && !this.errorEdited ? this.error.message : '';
  }

  private onInput(e: Event): void {
    const target = e.target as HTMLInputElement | HTMLSelectElement;
    const name = target.id as FieldName;
    this.values = { ...this.values, [name]: target.value };
    if (this.error?.field === name) this.errorEdited = true;
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    if (this.running || this.unavailable) return;
    this.dispatchEvent(new CustomEvent<FormValues>('run-start', { detail: this.formValues, bubbles: true, composed: true }));
  }

  private onStop(): void {
    this.dispatchEvent(new CustomEvent('run-stop', { bubbles: true, composed: true }));
  }
}

/** The id of what explains a control: its error when it has one, else its hint. */
function describedBy(name: FieldName, error: string) {
  return error ? `${name}-error` : `${name}-hint`;
}

declare global {
  interface HTMLElementTagNameMap {
    'run-form': RunForm;
  }
  interface HTMLElementEventMap {
    'run-start': RunStartEvent;
  }
}
