// The experiment's settings: data, network, learning rule, training. Text is
// checked as it is typed and applied on change (Enter or leaving the control);
// an entry that cannot run stays as typed, with its reason, and is not applied.
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { ACTIVATIONS } from '../../engine/kernels/activation';
import { NEURON_MODELS, RESETS, SURROGATES } from '../../engine/kernels/lif';
import { OPTIMIZERS } from '../../engine/kernels/optimizer';
import { LOSSES } from '../../engine/kernels/output-loss';
import { ENCODERS } from '../../engine/kernels/spike-encode';
import { READOUTS } from '../../engine/kernels/spike-readout';
import { RULES } from '../../engine/rules/registry';
import type { Primitive } from '../../engine/rules/rule';
import { EPROP_FEEDBACKS, EPROP_UPDATES } from '../../engine/spiking/eprop-options';
import { INITS, INPUT_SCALINGS, LR_SCHEDULES } from '../../engine/training/config';
import { defaultExperiment, EMSTDP_FEEDBACKS, EXPERIMENT_DATASETS, type Experiment, FEEDBACK_INPUTS, rulesFor } from '../experiment/experiment';
import { mattersTo, type MoreSetting, moreText } from '../experiment/more-settings';
import { type OwnData, ownLearningRate, TEACHING_DEFAULT_COUNTS } from './experiment-spec';
import { field, fieldStyles } from './form-field';
import {
  ACTIVATION_LABELS,
  COEFFICIENT_HELP,
  COEFFICIENT_LABELS,
  DATASET_LABELS,
  EMSTDP_FEEDBACK_LABELS,
  ENCODER_LABELS,
  EPROP_FEEDBACK_LABELS,
  EPROP_UPDATE_LABELS,
  FEEDBACK_INPUT_LABELS,
  HELP,
  INIT_LABELS,
  INPUT_SCALING_LABELS,
  LABELS,
  LOSS_LABELS,
  LR_SCHEDULE_LABELS,
  NEURON_LABELS,
  OPTIMIZER_LABELS,
  OWN_FILE,
  READOUT_LABELS,
  RESET_LABELS,
  ruleLabel,
  SURROGATE_LABELS,
} from './labels';
import { applyEdit, isTeachingDataset, type Setting, textOf } from './setting-edit';

export type SettingChangeEvent = CustomEvent<{ setting: Setting; experiment: Experiment }>;
export type DatasetSourceEvent = CustomEvent<{ own: boolean }>;
export type OwnFilesEvent = CustomEvent<{ files: File[] }>;

/** An id per setting, for labels and tests: 'optimizer.lr' → 'lr'. */
const IDS: Partial<Record<Setting, string>> = {
  trainSubset: 'train-subset',
  testSubset: 'test-subset',
  'optimizer.method': 'optimizer',
  'optimizer.lr': 'lr',
  'optimizer.momentum': 'momentum',
  'optimizer.beta1': 'adam-beta1',
  'optimizer.beta2': 'adam-beta2',
  'optimizer.eps': 'adam-eps',
  batchSize: 'batch',
};

/** Otherwise the setting's name in kebab case, neuron settings prefixed 'neuron-' and coefficients 'coef-': 'training.warmupEpochs' → 'warmup-epochs'. */
export function controlId(s: Setting): string {
  const known = IDS[s];
  if (known) return known;
  const [group, name] = s.includes('.') ? (s.split('.') as [string, string]) : ['', s];
  const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return group === 'spiking' ? `neuron-${kebab}` : group === 'coefficients' ? `coef-${kebab}` : kebab;
}

type Choices = ReadonlyArray<readonly [string, string]>;
const choices = <T extends string>(values: readonly T[], labels: Record<T, string>): Choices => values.map((v) => [v, labels[v]] as const);

/** The "More settings", in groups; each shows the settings that matter to the experiment (mattersTo). */
const MORE_GROUPS: ReadonlyArray<{ title: string; settings: readonly MoreSetting[] }> = [
  {
    title: 'Training',
    settings: ['training.loss', 'training.init', 'training.inputScaling', 'training.lrSchedule', 'training.warmupEpochs', 'optimizer.weightDecay', 'optimizer.beta1', 'optimizer.beta2', 'optimizer.eps'],
  },
  { title: 'Backward weights B', settings: ['training.tiedDecay', 'training.feedbackLr', 'training.feedbackInput', 'training.feedbackNoiseStd', 'training.feedbackUpdateNoise'] },
  { title: 'Neurons and coding', settings: ['spiking.encoderGain', 'spiking.surrogateSlope', 'spiking.alpha', 'spiking.rho', 'spiking.gamma'] },
  { title: 'TSSL-BP', settings: ['spikingRules.tsslTauM', 'spikingRules.tsslTauS'] },
  { title: 'e-prop', settings: ['spikingRules.epropFeedback', 'spikingRules.epropUpdate', 'spikingRules.epropKappa'] },
  { title: 'EMSTDP', settings: ['spikingRules.emstdpFeedback', 'spikingRules.emstdpLr', 'spikingRules.emstdpEpsilon'] },
  { title: 'BP-STDP', settings: ['spikingRules.bpstdpMu', 'spikingRules.bpstdpWindow', 'spikingRules.bpstdpInputGain', 'spikingRules.bpstdpTeacherRate'] },
];

/** The choices of the "More settings" that are picked from a list; the others are numbers. */
const MORE_CHOICES: Partial<Record<MoreSetting, Choices>> = {
  'training.loss': choices(LOSSES, LOSS_LABELS),
  'training.init': choices(INITS, INIT_LABELS),
  'training.inputScaling': choices(INPUT_SCALINGS, INPUT_SCALING_LABELS),
  'training.lrSchedule': choices(LR_SCHEDULES, LR_SCHEDULE_LABELS),
  'training.feedbackInput': choices(FEEDBACK_INPUTS, FEEDBACK_INPUT_LABELS),
  'spikingRules.epropFeedback': choices(EPROP_FEEDBACKS, EPROP_FEEDBACK_LABELS),
  'spikingRules.epropUpdate': choices(EPROP_UPDATES, EPROP_UPDATE_LABELS),
  'spikingRules.emstdpFeedback': choices(EMSTDP_FEEDBACKS, EMSTDP_FEEDBACK_LABELS),
};

/** What an empty entry means, for the settings that may be empty. */
const NONE_PLACEHOLDERS: Partial<Record<MoreSetting, string>> = {
  'training.tiedDecay': 'rule’s own',
  'training.feedbackLr': 'forward rate',
  'spikingRules.emstdpEpsilon': 'scaled to T',
};

type Edit = { text: string; error: string | null };

@customElement('experiment-form')
export class ExperimentForm extends LitElement {
  static override styles = [
    fieldStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: grid;
        gap: 1rem;
      }
      fieldset {
        border: 0;
        border-top: 1px solid var(--border);
        margin: 0;
        padding: 0.75rem 0 0;
        display: grid;
        gap: 0.75rem;
        min-width: 0;
      }
      fieldset:first-of-type {
        border-top: 0;
        padding-top: 0;
      }
      legend {
        font-weight: 700;
        font-size: 0.95rem;
        padding: 0 0.4rem 0 0;
      }
      /* Two fields a row; a label that wraps does not push its control out of line. */
      .pair {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0.75rem;
        align-items: end;
      }
      /* A right-hand field's explanation grows leftwards, inside the card. */
      .pair > .field:nth-child(2) > .help {
        left: auto;
      }
      .note {
        color: var(--muted);
        font-size: 0.82rem;
        line-height: 1.4;
        margin: 0;
      }
      .own-status {
        font-size: 0.85rem;
        line-height: 1.4;
      }
      .more {
        border-top: 1px solid var(--border);
        padding-top: 0.75rem;
      }
      .more summary {
        cursor: pointer;
        font-weight: 700;
        font-size: 0.95rem;
      }
      .more summary:focus-visible {
        outline: 2px solid var(--accent);
        outline-offset: 2px;
      }
      .more .changed {
        color: var(--muted);
        font-weight: 400;
        font-size: 0.85rem;
      }
      .more fieldset {
        margin-top: 0.75rem;
        padding-top: 0.5rem;
      }
      .more legend {
        font-size: 0.88rem;
        color: var(--muted);
      }
    `,
  ];

  @property({ attribute: false }) experiment!: Experiment;
  /** Whether the run uses the user's own file rather than the experiment's dataset. */
  @property({ type: Boolean, attribute: 'using-own' }) usingOwn = false;
  @property({ attribute: false }) own: OwnData | null = null;
  /** The file parser's message for the last file chosen (the data loaded before it stays). */
  @property({ attribute: false }) ownError = '';
  @property({ type: Boolean, attribute: 'own-busy' }) ownBusy = false;
  /** Refusals from the running session (a rule switch, a learning rate), by setting. */
  @property({ attribute: false }) sessionErrors: Partial<Record<Setting, string>> = {};

  /** Entries as typed, while they differ from the experiment (or cannot be applied). */
  @state() private edits = new Map<Setting, Edit>();
  /** The person's choice to show or hide "More settings"; null until they make one. */
  @state() private moreOpen: boolean | null = null;
  /** The experiment this form last announced; another one comes from outside (a link, a lesson) and clears the entries. */
  private announced: Experiment | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('experiment') && this.experiment !== this.announced && this.edits.size > 0) this.edits = new Map();
  }

  override render() {
    const e = this.experiment;
    return html`<form @submit=${(ev: Event) => ev.preventDefault()} novalidate>
      <fieldset>
        <legend>Data</legend>
        ${this.datasetField()} ${this.usingOwn ? this.ownFileField() : this.subsetFields()}
      </fieldset>
      <fieldset>
        <legend>Network</legend>
        ${this.select('network', [
          ['rate', 'Rate (real-valued)'],
          ['spiking', 'Spiking (leaky integrate-and-fire)'],
        ])}
        ${this.text('hidden', '256,256', 'text')}
        ${e.network === 'rate' ? this.select('activation', ACTIVATIONS.map((a) => [a, ACTIVATION_LABELS[a]])) : this.spikingFields()}
      </fieldset>
      <fieldset>
        <legend>Learning</legend>
        ${this.ruleField()} ${this.coefficientFields()}
      </fieldset>
      <fieldset>
        <legend>Training</legend>
        ${this.select('optimizer.method', OPTIMIZERS.map((o) => [o, OPTIMIZER_LABELS[o]]))}
        <div class="pair">
          ${this.text('optimizer.lr', '0.01', 'decimal', ownLearningRate(e) ? 'This rule learns at its own rate, not the optimiser’s.' : undefined)}
          ${e.optimizer.method === 'momentum' ? this.text('optimizer.momentum', '0.9', 'decimal') : nothing}
          ${this.text('batchSize', '128', 'numeric')} ${this.text('seed', '1', 'numeric')} ${this.text('epochs', '5', 'numeric')}
        </div>
      </fieldset>
      ${this.moreSettings()}
    </form>`;
  }

  /**
   * The settings most runs leave alone, folded away; open by itself while one of those shown
   * differs from the default (a link that sets one), until the person opens or closes it.
   */
  private moreSettings() {
    const e = this.experiment;
    const base = defaultExperiment(e.network);
    const groups = MORE_GROUPS.map((g) => ({ ...g, shown: g.settings.filter((s) => mattersTo(s, e)) })).filter((g) => g.shown.length > 0);
    const changed = groups.flatMap((g) => g.shown).filter((s) => moreText(e, s) !== moreText(base, s)).length;
    const open = this.moreOpen ?? changed > 0;
    return html`<details class="more" ?open=${open} @toggle=${(ev: Event) => (this.moreOpen = (ev.target as HTMLDetailsElement).open)}>
      <summary>More settings${changed > 0 ? html` <span class="changed">(${changed} changed)</span>` : nothing}</summary>
      ${groups.map(
        (g) => html`<fieldset>
          <legend>${g.title}</legend>
          <div class="pair">${g.shown.map((s) => this.moreField(s, base))}</div>
        </fieldset>`,
      )}
    </details>`;
  }

  private moreField(s: MoreSetting, base: Experiment) {
    const options = MORE_CHOICES[s];
    if (options) return this.select(s, options);
    const whole = s === 'spikingRules.bpstdpWindow';
    return this.text(s, NONE_PLACEHOLDERS[s] ?? moreText(base, s), whole ? 'numeric' : 'decimal');
  }

  // ---- groups ----

  private datasetField() {
    const value = this.usingOwn ? OWN_FILE : this.experiment.dataset;
    const options: Array<[string, string]> = [...EXPERIMENT_DATASETS.map((d): [string, string] => [d, DATASET_LABELS[d]]), [OWN_FILE, 'Your own file (CSV or IDX)…']];
    return field({ id: 'dataset', label: LABELS.dataset, help: HELP.dataset, error: this.errorOf('dataset') }, (describedBy) => html`<select id="dataset" aria-describedby=${describedBy} .value=${live(value)} @change=${this.onDataset}>
        ${options.map(([v, label]) => html`<option value=${v} ?selected=${v === value}>${label}</option>`)}
      </select>`);
  }

  private ownFileField() {
    const own = this.own;
    const status = this.ownBusy
      ? 'Reading the file…'
      : own
        ? `${own.files.join(', ')}: ${own.dataset.train.count.toLocaleString()} training and ${own.dataset.test.count.toLocaleString()} test examples, ${own.dataset.rows * own.dataset.cols} features, ${own.dataset.classes} classes.`
        : 'No file yet.';
    return html`${field(
        {
          id: 'dataset-file',
          label: 'Your file',
          help: 'A CSV with a label column (named label, class or y, else the first) and numeric features; or an IDX images file with its labels file (raw or .gz), picked together. A fifth is held out for testing unless you pick a test file too.',
          error: this.ownError,
        },
        (describedBy, invalid) => html`<input id="dataset-file" type="file" multiple accept=".csv,.tsv,.txt,.gz,.idx,.idx1-ubyte,.idx3-ubyte,.ubyte,text/csv,application/gzip"
          aria-describedby=${describedBy} aria-invalid=${invalid ? 'true' : 'false'} ?disabled=${this.ownBusy} @change=${this.onFiles} />`,
      )}
      <p class="own-status" role="status" data-own-status>${status}</p>
      <p class="note">Your file stays in this browser; a share link carries the other settings only.</p>`;
  }

  private subsetFields() {
    const teaching = isTeachingDataset(this.experiment.dataset);
    return html`<div class="pair">
      ${this.text('trainSubset', teaching ? String(TEACHING_DEFAULT_COUNTS.train) : 'all', 'numeric')}
      ${this.text('testSubset', teaching ? String(TEACHING_DEFAULT_COUNTS.test) : 'all', 'numeric')}
    </div>`;
  }

  private spikingFields() {
    return html`<div class="pair">
        ${this.select('spiking.model', NEURON_MODELS.map((m) => [m, NEURON_LABELS[m]]))} ${this.text('spiking.steps', '25', 'numeric')}
      </div>
      <div class="pair">${this.text('spiking.beta', '0.95', 'decimal')} ${this.text('spiking.threshold', '1', 'decimal')}</div>
      <div class="pair">${this.select('spiking.reset', RESETS.map((r) => [r, RESET_LABELS[r]]))} ${this.text('spiking.refractory', '0', 'numeric')}</div>
      <div class="pair">
        ${this.select('spiking.encoder', ENCODERS.map((x) => [x, ENCODER_LABELS[x]]))} ${this.select('spiking.readout', READOUTS.map((r) => [r, READOUT_LABELS[r]]))}
      </div>
      ${this.select('spiking.surrogate', SURROGATES.map((s) => [s, SURROGATE_LABELS[s]]))}`;
  }

  private ruleField() {
    const rules = rulesFor(this.experiment.network);
    return this.select(
      'rule',
      rules.map((r) => [r, ruleLabel(r)]),
    );
  }

  /** Only the coefficients of the rule's own regulariser: the ones that change anything. */
  private coefficientFields() {
    const e = this.experiment;
    if (e.network !== 'rate') return nothing;
    const rule = RULES.find((r) => r.id === e.rule);
    const keys = Object.keys(rule?.regularizer ?? {}) as Primitive[];
    if (!rule || keys.length === 0) return nothing;
    return html`<div class="pair">
      ${keys.map((k) => {
        const setting = `coefficients.${k}` as Setting;
        const id = controlId(setting);
        const text = this.textFor(setting);
        const fallback = String(rule.regularizer[k]);
        return field(
          { id, label: COEFFICIENT_LABELS[k], help: `${COEFFICIENT_HELP[k]} Empty uses the rule’s ${fallback}. Can change while training.`, error: this.errorOf(setting) },
          (describedBy, invalid) => html`<input id=${id} type="text" inputmode="decimal" autocomplete="off" spellcheck="false" placeholder=${fallback}
            .value=${live(text)} aria-describedby=${describedBy} aria-invalid=${invalid ? 'true' : 'false'}
            @input=${(ev: Event) => this.onInput(setting, ev)} @change=${(ev: Event) => this.onChange(setting, ev)} />`,
        );
      })}
    </div>`;
  }

  // ---- controls ----

  private text(setting: Exclude<Setting, `coefficients.${string}`>, placeholder: string, inputmode: string, disabledWhy?: string) {
    const id = controlId(setting);
    const help = disabledWhy ? `${HELP[setting]} ${disabledWhy}` : HELP[setting];
    return field({ id, label: LABELS[setting], help, error: this.errorOf(setting) }, (describedBy, invalid) => html`<input id=${id} type="text" inputmode=${inputmode}
        autocomplete="off" spellcheck="false" placeholder=${placeholder} .value=${live(this.textFor(setting))} ?disabled=${disabledWhy !== undefined}
        aria-describedby=${describedBy} aria-invalid=${invalid ? 'true' : 'false'}
        @input=${(ev: Event) => this.onInput(setting, ev)} @change=${(ev: Event) => this.onChange(setting, ev)} />`);
  }

  private select(setting: Exclude<Setting, `coefficients.${string}`>, options: ReadonlyArray<readonly [string, string]>) {
    const id = controlId(setting);
    const value = this.textFor(setting);
    // .value keeps the shown choice in step when the experiment changes from outside; ?selected covers options rendered after it.
    return field({ id, label: LABELS[setting], help: HELP[setting], error: this.errorOf(setting) }, (describedBy, invalid) => html`<select id=${id} .value=${live(value)}
        aria-describedby=${describedBy} aria-invalid=${invalid ? 'true' : 'false'} @change=${(ev: Event) => this.onChange(setting, ev)}>
        ${options.map(([v, label]) => html`<option value=${v} ?selected=${v === value}>${label}</option>`)}
      </select>`);
  }

  private textFor(setting: Setting): string {
    return this.edits.get(setting)?.text ?? textOf(this.experiment, setting);
  }

  private errorOf(setting: Setting): string {
    return this.edits.get(setting)?.error ?? this.sessionErrors[setting] ?? '';
  }

  // ---- events ----

  private onInput(setting: Setting, ev: Event): void {
    const text = (ev.target as HTMLInputElement).value;
    const result = applyEdit(this.experiment, setting, text);
    this.edits = new Map(this.edits).set(setting, { text, error: result.ok ? null : result.message });
  }

  private onChange(setting: Setting, ev: Event): void {
    const target = ev.target as HTMLInputElement | HTMLSelectElement;
    const result = applyEdit(this.experiment, setting, target.value);
    const edits = new Map(this.edits);
    if (!result.ok) {
      this.edits = edits.set(setting, { text: target.value, error: result.message });
      return;
    }
    edits.delete(setting);
    this.edits = edits;
    if (result.experiment === this.experiment) return;
    this.announced = result.experiment;
    this.dispatchEvent(new CustomEvent('setting-change', { detail: { setting, experiment: result.experiment }, bubbles: true, composed: true }) as SettingChangeEvent);
  }

  private onDataset(ev: Event): void {
    const select = ev.target as HTMLSelectElement;
    const own = select.value === OWN_FILE;
    if (own !== this.usingOwn) this.dispatchEvent(new CustomEvent('dataset-source', { detail: { own }, bubbles: true, composed: true }) as DatasetSourceEvent);
    if (!own) this.onChange('dataset', ev);
  }

  private onFiles(ev: Event): void {
    const input = ev.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    if (files.length > 0) this.dispatchEvent(new CustomEvent('own-files', { detail: { files }, bubbles: true, composed: true }) as OwnFilesEvent);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'experiment-form': ExperimentForm;
  }
  interface HTMLElementEventMap {
    'setting-change': SettingChangeEvent;
    'dataset-source': DatasetSourceEvent;
    'own-files': OwnFilesEvent;
  }
}
