// The lab page: the experiment (from the address, kept in it as it changes), its
// settings, the run's controls and views. The engine runs in a module worker
// behind a LabRun; this element turns form and button events into its calls and
// the session's events into state, and its children (src/ui/app/) draw that state.
//
// Slots for other parts of the page: `lesson` (a lesson panel, above the lab),
// `export` (a menu beside "Copy link") and `compare` (results under the views).
// Public: `experiment` (set it to show another, as a link would), `records`,
// `info`, and for embedding (<plasticity-lab>): `embedded` (leave the page's
// address alone), `autoplay`, `controls` ('full', 'minimal': the run buttons
// only, 'none': the views only) and `datasetsUrl`. It dispatches
// `experiment-change` ({ experiment }) and `session-event` (the session's events).
import { css, html, LitElement, nothing } from 'lit';
import { cardStyles, quietButtonStyles } from './app/shared-styles';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { LoadProgress } from '../engine/data/loader';
import type { InspectKind, InspectResult } from '../engine/session/inspection';
import { addRecord, type SessionErrorInfo, type SessionEvent, type SessionInfo, type SessionPhase } from '../engine/session/session-events';
import { EngineClient } from '../worker/engine-client';
import type { RunController } from '../engine/session/run-controller';
import { DEFAULT_EXPERIMENT, type Experiment, rulesFor, validateExperiment, type View } from './experiment/experiment';
import './app/compare-picker';
import type { CompareChangeEvent } from './app/compare-picker';
import { compareSummary, LabCompare, comparePhase } from './app/lab-compare';
import './lab/compare-chart';
import type { CompareChart } from './lab/compare-chart';
import type { ComparedRule } from './lab/compare-run';
import { experimentForRule } from './lab/experiment-spec';
import './lab/export-menu';
import type { ChartSource, ModelImportEvent } from './lab/export-menu';
import { type MetricsSeries, restoreSnapshot } from './lab/export';
import './lab/lesson-panel';
import type { LessonStepEvent } from './lab/lesson-panel';
import './app/experiment-form';
import type { DatasetSourceEvent, OwnFilesEvent, SettingChangeEvent } from './app/experiment-form';
import { availableViews, inputShapeOf, type OwnData, teachingSetOf, trainingPoints } from './app/experiment-spec';
import { DATASET_LABELS } from './app/labels';
import './app/lab-header';
import type { CopyState } from './app/lab-header';
import { LabRun, type RunCommand } from './app/lab-run';
import './app/lab-views';
import { type Inspections, type LabViews, NO_INSPECTIONS, VIEW_INSPECTIONS } from './app/lab-views';
import './app/run-controls';
import type { RunCommandEvent, RunStatus } from './app/run-controls';
import {
  type AnyRecord,
  errorOf,
  errorReport,
  layerRows,
  loadingStatus,
  noticeOf,
  pausedStatus,
  phaseStatus,
  readyStatus,
  REWIND_AND_LOWER,
  summaryOf,
  trainingStatus,
} from './app/run-messages';
import './app/run-notices';
import type { Notice, NoticeEvent } from './app/run-notices';
import { isTeachingDataset, type Setting } from './app/setting-edit';
import { AddressBar } from './app/share-url';
import { datasetFromFiles } from './app/user-data';
import type { LabelledPoint } from './views/decision-boundary';
import type { ViewsChangeEvent } from './views/view-toggles';
import { detectWebGpu, type WebGpuSupport } from './webgpu-support';
import './webgpu-unavailable';

/** Most training points drawn over the decision boundary. */
const MAX_POINTS = 1500;

@customElement('plasticity-app')
export class PlasticityApp extends LitElement {
  static override styles = [
    cardStyles,
    quietButtonStyles,
    css`
    :host {
      display: block;
      max-width: 1280px;
      margin: 0 auto;
      padding: 1.25rem;
      box-sizing: border-box;
    }
    lab-header,
    run-notices {
      margin-bottom: 1.25rem;
    }
    ::slotted([slot='lesson']),
    .lesson {
      display: block;
      margin-bottom: 1.25rem;
    }
    .header-actions {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 0.5rem;
    }
    compare-picker {
      margin-top: 1rem;
    }
    .layout {
      display: grid;
      grid-template-columns: minmax(260px, 320px) minmax(0, 1fr);
      grid-template-areas: 'settings controls' 'settings results';
      grid-template-rows: auto 1fr;
      gap: 1.25rem;
      align-items: start;
    }
    .layout.no-settings {
      grid-template-columns: minmax(0, 1fr);
      grid-template-areas: 'controls' 'results';
      grid-template-rows: auto;
    }
    .settings {
      grid-area: settings;
    }
    .controls {
      grid-area: controls;
    }
    .results {
      grid-area: results;
      display: grid;
      gap: 1.25rem;
      min-width: 0;
    }
    h2 {
      margin: 0 0 0.75rem;
      font-size: 1.05rem;
    }
    /* Tablets and phones: the buttons first, then the settings, then the views. */
    @media (max-width: 860px) {
      :host {
        padding: 1rem;
      }
      .layout {
        grid-template-columns: minmax(0, 1fr);
        grid-template-areas: 'controls' 'settings' 'results';
        grid-template-rows: auto;
      }
    }
  `,
  ];

  /** Inside another page: the address is that page's, so it is neither read nor written. */
  @property({ type: Boolean }) embedded = false;
  /** Start training once WebGPU is found. */
  @property({ type: Boolean }) autoplay = false;
  /** What is shown besides the views: every setting, the run buttons only, or nothing. */
  @property() controls: 'full' | 'minimal' | 'none' = 'full';
  /** Where the shipped datasets are served; by default datasets/ beside the page. */
  @property({ attribute: 'datasets-url' }) datasetsUrl: string | null = null;

  @state() private support: WebGpuSupport | null = null;
  @state() private experimentNow: Experiment = DEFAULT_EXPERIMENT;
  @state() private usingOwn = false;
  @state() private own: OwnData | null = null;
  @state() private ownError = '';
  @state() private ownBusy = false;
  @state() private phase: SessionPhase = 'idle';
  @state() private infoNow: SessionInfo | null = null;
  @state() private recordsNow: readonly AnyRecord[] = [];
  @state() private progress: LoadProgress | null = null;
  @state() private status: RunStatus = { kind: 'info', text: 'Checking for WebGPU…' };
  @state() private notices: readonly Notice[] = [];
  /** The session's refusals, beside the control they concern. */
  @state() private sessionErrors: Partial<Record<Setting, string>> = {};
  @state() private inspections: Inspections = NO_INSPECTIONS;
  @state() private failures: Partial<Record<InspectKind, string>> = {};
  @state() private copy: CopyState = { kind: 'idle' };
  /** A command is being carried out (a start loads and compiles): the buttons wait. */
  @state() private commandBusy = false;
  /** The lesson panel is shown (the Lessons button, or a link with a lesson). */
  @state() private lessonOpen = false;
  /** Compare mode's rules as they train. */
  @state() private compared: readonly ComparedRule[] = [];

  @query('lab-views') private views!: LabViews | null;

  /** Bumped with every file loaded, so a run of an older file no longer matches. */
  private ownVersion = 0;
  private divergence: Extract<SessionEvent, { type: 'diverged' }> | null = null;
  private pointsCache: { key: string; points: LabelledPoint[] } | null = null;
  private copyTimer = 0;
  private readonly address = new AddressBar();

  /** One engine worker: the single run's, or one compared rule's. */
  private readonly makeClient = (): RunController =>
    new EngineClient({ datasetsUrl: this.datasetsUrl ?? new URL(`${import.meta.env.BASE_URL}datasets/`, document.baseURI).href });

  private readonly comparison = new LabCompare(
    () => this.makeClient(),
    (rules) => this.onCompared(rules),
    // The single-run views follow the first compared rule.
    { changed: () => this.requestUpdate(), recording: (r) => this.views?.pushRecording(r), cleared: () => this.views?.clearRecordings() },
  );

  private readonly run = new LabRun(
    () => this.makeClient(),
    {
      event: (e) => this.onSessionEvent(e),
      inspected: (r) => this.onInspected(r),
      inspectFailed: (kind, message) => (this.failures = { ...this.failures, [kind]: message }),
    },
  );

  /** The experiment shown (always valid). */
  get experiment(): Experiment {
    return this.experimentNow;
  }

  /** Shows `e` (a lesson's step, an embedding's preset) as a link would; one that cannot run is refused with a notice. */
  set experiment(e: Experiment) {
    if (e === this.experimentNow) return;
    const problems = validateExperiment(e);
    if (problems.length > 0) {
      this.showNotice({ id: 'link', kind: 'warn', title: 'This experiment cannot run', lines: problems.map((p) => `${p.field}: ${p.message}`) });
      return;
    }
    this.usingOwn = false;
    this.setExperiment(e);
  }

  /** The current run's records, oldest first. */
  get records(): readonly AnyRecord[] {
    return this.recordsNow;
  }

  get info(): SessionInfo | null {
    return this.infoNow;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.embedded) {
      this.openAddress();
      window.addEventListener('hashchange', this.onHashChange);
    }
    if (this.support === null) void this.checkSupport();
    // The worker's modules load while the page checks WebGPU, not after Play
    // (not for embeds: a page may hold several, most never played).
    if (!this.embedded && 'gpu' in navigator) this.run.connectEarly();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    void this.run.destroy();
    void this.comparison.destroy();
  }

  protected override updated(): void {
    // The inspections follow the views shown; newly shown ones are fetched at once.
    const e = this.experimentNow;
    const available = availableViews(this.viewedExperiment(e), inputShapeOf(e, this.ownData()));
    const kinds = e.views.filter((v) => available.includes(v)).flatMap((v) => (VIEW_INSPECTIONS[v] ? [VIEW_INSPECTIONS[v]!] : []));
    this.run.want(this.comparing ? [] : kinds);
    this.comparison.views.want(this.comparing ? kinds : []);
  }

  /** The run the views show: the experiment's, or in compare mode its first compared rule's. */
  private viewedExperiment(e: Experiment): Experiment {
    return this.comparing ? experimentForRule(e, e.compare[0]!) : e;
  }

  override render() {
    const support = this.support;
    const unavailable = support !== null && !support.available;
    const e = this.experimentNow;
    const showSettings = this.controls === 'full';
    return html`${this.embedded
        ? nothing
        : html`<lab-header adapter=${support?.available ? support.adapter : ''} .copy=${this.copy} @copy-link=${this.onCopyLink}>
            <div class="header-actions" slot="export">
              <button type="button" class="quiet-button lessons-toggle" aria-expanded=${this.lessonOpen ? 'true' : 'false'} @click=${() => (this.lessonOpen = !this.lessonOpen)}>
                Lessons
              </button>
              <slot name="export">${this.exportMenu(e)}</slot>
            </div>
          </lab-header>`}
      <slot name="lesson">
        ${this.lessonOpen
          ? html`<section class="card lesson"><lesson-panel .place=${e.lesson} @lesson-step=${this.onLessonStep}></lesson-panel></section>`
          : nothing}
      </slot>
      <run-notices .notices=${this.notices} @notice=${this.onNotice}></run-notices>
      <div class=${`layout ${showSettings ? '' : 'no-settings'}`}>
        ${showSettings ? this.settingsCard(e) : nothing}
        ${this.controls !== 'none' || unavailable ? this.controlsCard(e, support) : nothing}
        <div class="results">
          ${unavailable ? nothing : this.viewsOf(e)}<slot name="compare">${this.comparing ? this.compareCharts() : nothing}</slot>
        </div>
      </div>`;
  }

  private settingsCard(e: Experiment) {
    return html`<section class="card settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <experiment-form
        .experiment=${e}
        ?using-own=${this.usingOwn}
        .own=${this.own}
        .ownError=${this.ownError}
        ?own-busy=${this.ownBusy}
        .sessionErrors=${this.sessionErrors}
        @setting-change=${this.onSettingChange}
        @dataset-source=${this.onDatasetSource}
        @own-files=${this.onOwnFiles}
      ></experiment-form>
      <compare-picker .rules=${rulesFor(e.network)} .compare=${e.compare} @compare-change=${this.onCompareChange}></compare-picker>
    </section>`;
  }

  /** Compare mode: the experiment lists 2 to 6 rules. */
  private get comparing(): boolean {
    return this.experimentNow.compare.length >= 2;
  }

  private compareCharts() {
    return html`<section class="card" aria-label="Compared rules" data-view="compare">
      <compare-chart metric="test-accuracy" .rules=${this.compared}></compare-chart>
      <compare-chart metric="train-loss" .rules=${this.compared}></compare-chart>
    </section>`;
  }

  private exportMenu(e: Experiment) {
    const series: MetricsSeries[] = this.comparing
      ? this.compared.map((r) => ({ rule: r.rule, records: r.records }))
      : [{ rule: this.run.hasRun ? (this.infoNow?.settings.rule ?? e.rule) : e.rule, records: this.recordsNow }];
    const charts: ChartSource[] = this.comparing
      ? [
          { label: 'Accuracy chart', canvas: () => this.compareChart('test-accuracy')?.canvas },
          { label: 'Loss chart', canvas: () => this.compareChart('train-loss')?.canvas },
        ]
      : [{ label: 'Curves chart', canvas: () => this.views?.renderRoot.querySelector('metrics-chart')?.renderRoot.querySelector('canvas') }];
    const snapshotOf = this.comparing
      ? this.comparison.active
        ? (rule: string) => this.comparison.snapshot(rule)
        : null
      : this.run.hasRun
        ? () => this.run.snapshot()
        : null;
    return html`<export-menu .experiment=${e} .series=${series} .charts=${charts} .snapshotOf=${snapshotOf} @model-import=${this.onModelImport}></export-menu>`;
  }

  private compareChart(metric: string): CompareChart | null {
    return this.renderRoot.querySelector<CompareChart>(`compare-chart[metric="${metric}"]`);
  }

  private controlsCard(e: Experiment, support: WebGpuSupport | null) {
    const comparing = this.comparing;
    const matches = comparing ? this.comparison.matches(e, this.datasetVersion()) : this.run.matches(e, this.datasetVersion());
    const hasRun = comparing ? this.comparison.active : this.run.hasRun;
    const first = comparing ? this.compared[0] : undefined;
    return html`<section class="card controls" aria-labelledby="run-title">
      <h2 id="run-title">Run</h2>
      ${support && !support.available
        ? html`<webgpu-unavailable reason=${support.reason}></webgpu-unavailable>`
        : html`<run-controls
            data-phase=${this.phase}
            ?playing=${this.phase === 'training'}
            ?can-run=${this.canRun()}
            blocked-why=${this.blockedWhy()}
            ?busy=${this.commandBusy || this.phase === 'loading' || this.phase === 'preparing' || this.phase === 'recovering'}
            ?finished=${this.phase === 'finished' && matches}
            ?stale=${hasRun && !matches}
            .status=${this.status}
            .progress=${this.progress}
            .summary=${comparing ? summaryOf(first?.records ?? [], first?.info ?? null) : summaryOf(this.recordsNow, this.infoNow)}
            @run-command=${this.onCommand}
          ></run-controls>`}
    </section>`;
  }

  private viewsOf(e: Experiment) {
    const shape = inputShapeOf(e, this.ownData());
    const available = availableViews(this.viewedExperiment(e), shape);
    // Compare mode: the first compared rule's run, once it has started.
    const followed = this.comparing ? this.compared[0] : undefined;
    const records = this.comparing ? (followed?.records ?? []) : this.recordsNow;
    const info = this.comparing ? (followed?.info ?? null) : this.infoNow;
    return html`<lab-views
      .views=${e.views}
      .available=${available}
      .records=${records}
      .layers=${layerRows(records.at(-1))}
      .sizes=${info?.sizes ?? []}
      .classNames=${info?.classNames ?? shape.classNames}
      rows=${shape.rows}
      cols=${shape.cols}
      .inspections=${this.comparing ? this.comparison.views.inspections : this.inspections}
      .failures=${this.comparing ? this.comparison.views.failures : this.failures}
      following=${this.comparing ? e.compare[0]! : ''}
      .points=${available.includes('boundary') ? this.boundaryPoints(e) : []}
      threshold=${e.spiking.threshold}
      @views-change=${this.onViewsChange}
    ></lab-views>`;
  }

  // ---- the address ----

  /** Reads the experiment from the address: problems go to a notice, bad settings to their defaults. */
  private openAddress(): void {
    const read = this.address.read();
    if (read) {
      this.experimentNow = read.experiment;
      this.usingOwn = false;
      // A lesson's link opens its panel at the step.
      if (read.experiment.lesson) this.lessonOpen = true;
      if (read.problems.length > 0) this.showNotice({ id: 'link', kind: 'warn', title: 'Some settings in this link could not be used', lines: read.problems });
      else this.dismiss('link');
    }
    this.address.write(this.experimentNow);
    this.dispatchEvent(new CustomEvent('experiment-change', { detail: { experiment: this.experimentNow } }));
  }

  /** A link pasted into this tab's address bar opens as a new page would. */
  private readonly onHashChange = (): void => {
    if (this.address.changedElsewhere()) this.openAddress();
  };

  private setExperiment(e: Experiment): void {
    // Out of compare mode: the compared rules' workers are freed.
    if (e.compare.length < 2 && this.comparison.active) void this.comparison.destroy().then(() => (this.phase = this.run.hasRun ? 'paused' : 'idle'));
    this.experimentNow = e;
    if (!this.embedded) this.address.write(e);
    this.dispatchEvent(new CustomEvent('experiment-change', { detail: { experiment: e } }));
  }

  private async onCopyLink(): Promise<void> {
    const url = location.href;
    clearTimeout(this.copyTimer);
    try {
      await navigator.clipboard.writeText(url);
      this.copy = { kind: 'copied' };
      this.copyTimer = window.setTimeout(() => (this.copy = { kind: 'idle' }), 2500);
    } catch {
      // No clipboard access (an insecure page, a refused permission): show it to copy by hand.
      this.copy = { kind: 'manual', url };
    }
  }

  // ---- the settings ----

  private onSettingChange(ev: SettingChangeEvent): void {
    const { setting, experiment } = ev.detail;
    this.clearSessionError(setting);
    this.setExperiment(experiment);
    // A rule, learning rate or coefficient reaches the running session at once.
    if (setting === 'optimizer.lr') this.sendLive(setting, () => (this.comparing ? this.comparison.setLearningRate(experiment.optimizer.lr) : this.run.setLearningRate(experiment.optimizer.lr)));
    else if (setting.startsWith('coefficients.')) this.sendLive(setting, () => this.run.setCoefficients({ ...experiment.coefficients }));
    else if (setting === 'rule') this.sendLive(setting, () => this.run.switchRule(experiment.rule));
  }

  private sendLive(setting: Setting, send: () => Promise<void>): void {
    send().then(
      () => this.requestUpdate(),
      (err: unknown) => {
        const later = setting === 'rule' ? ' Reset to start a new run with it.' : '';
        this.sessionErrors = { ...this.sessionErrors, [setting]: `${errorOf(err).message}${later}` };
      },
    );
  }

  private clearSessionError(setting: Setting): void {
    if (!this.sessionErrors[setting]) return;
    const { [setting]: _old, ...rest } = this.sessionErrors;
    this.sessionErrors = rest;
  }

  private onDatasetSource(ev: DatasetSourceEvent): void {
    this.usingOwn = ev.detail.own;
    this.ownError = '';
  }

  /** Parses the chosen files; a bad file leaves the data loaded before (and every setting) as it was. */
  private async onOwnFiles(ev: OwnFilesEvent): Promise<void> {
    this.ownBusy = true;
    this.ownError = '';
    try {
      const picked = await Promise.all(ev.detail.files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
      const dataset = await datasetFromFiles(picked);
      this.own = { dataset, files: picked.map((f) => f.name) };
      this.ownVersion++;
    } catch (err) {
      this.ownError = errorOf(err).message;
    } finally {
      this.ownBusy = false;
    }
  }

  private onViewsChange(ev: ViewsChangeEvent): void {
    this.setExperiment({ ...this.experimentNow, views: ev.detail.views as View[] });
  }

  // ---- the run ----

  private ownData(): OwnData | null {
    return this.usingOwn ? this.own : null;
  }

  private datasetVersion(): number {
    return this.usingOwn ? this.ownVersion : 0;
  }

  private canRun(): boolean {
    return this.support?.available === true && !(this.usingOwn && !this.own) && !this.ownBusy;
  }

  private blockedWhy(): string {
    if (!this.support?.available) return 'WebGPU is unavailable in this browser.';
    if (this.usingOwn && !this.own) return 'Choose your file first.';
    return '';
  }

  private onCommand(ev: RunCommandEvent): Promise<void> {
    return this.runCommand(ev.detail.command);
  }

  private async runCommand(command: RunCommand): Promise<void> {
    if (command !== 'pause' && !this.canRun()) return;
    if (command !== 'pause') {
      this.dismiss('error');
      if (command === 'reset' || !this.run.hasRun) this.dismiss('diverged');
    }
    if (this.comparing) {
      await this.busyWhile(command !== 'pause', async () => {
        await this.run.pause();
        await this.comparison.command(command, this.experimentNow, this.ownData(), this.datasetVersion());
      });
      return;
    }
    await this.busyWhile(command !== 'pause', async () => {
      await this.comparison.pause();
      await this.run.command(command, this.experimentNow, this.ownData(), this.datasetVersion());
    });
  }

  // ---- lessons, compare mode, model files ----

  /** Pauses whatever trains, before another experiment takes over. */
  private async stopRuns(): Promise<void> {
    await Promise.allSettled([this.run.pause(), this.comparison.pause()]);
  }

  /** A lesson's step: its preset becomes the experiment, the run in progress stopped first. */
  private async onLessonStep(ev: LessonStepEvent): Promise<void> {
    await this.stopRuns();
    this.experiment = { ...ev.detail.preset, lesson: { id: ev.detail.lessonId, step: ev.detail.step } };
  }

  private onCompareChange(ev: CompareChangeEvent): void {
    const next = { ...this.experimentNow, compare: ev.detail.compare };
    const problems = validateExperiment(next).filter((p) => p.field.startsWith('compare'));
    if (problems.length > 0) {
      this.showNotice({ id: 'compare', kind: 'warn', title: 'These rules cannot be compared', lines: problems.map((p) => p.message) });
      return;
    }
    this.dismiss('compare');
    this.setExperiment(next);
  }

  private onCompared(rules: readonly ComparedRule[]): void {
    this.compared = rules;
    if (!this.comparing || rules.length === 0) return;
    this.phase = comparePhase(rules);
    const problem = rules.find((r) => r.problem)?.problem;
    this.status = problem ? { kind: 'warn', text: problem } : { kind: this.phase === 'training' ? 'busy' : 'info', text: `Comparing ${rules.length} rules: ${compareSummary(rules)}.` };
  }

  /** A model file: its experiment (as a single run) started, then its weights restored, paused at step 0. */
  private async onModelImport(ev: ModelImportEvent): Promise<void> {
    const { model, fileName } = ev.detail;
    await this.stopRuns();
    const e: Experiment = { ...model.experiment, compare: [], lesson: null };
    const problems = validateExperiment(e);
    if (problems.length > 0) {
      this.showNotice({ id: 'model', kind: 'warn', title: `${fileName} cannot run here`, lines: problems.map((p) => `${p.field}: ${p.message}`) });
      return;
    }
    this.usingOwn = false;
    this.setExperiment(e);
    await this.busyWhile(true, async () => {
      await this.run.start(e, null, 0);
      await this.run.restore(restoreSnapshot(model, await this.run.snapshot()));
      // The fresh network's step-0 record is not the model's.
      this.recordsNow = [];
      this.status = { kind: 'ok', text: `Opened ${fileName}: press Play to train it on.` };
    });
  }

  private async onNotice(ev: NoticeEvent): Promise<void> {
    const { id, action } = ev.detail;
    if (action === REWIND_AND_LOWER) await this.rewindAndLower();
    else this.dismiss(id);
  }

  /** The divergence notice's fix: back to the last healthy snapshot (or step 0) with the suggested learning rate. */
  private async rewindAndLower(): Promise<void> {
    const d = this.divergence;
    if (!d) return;
    this.dismiss('diverged');
    const lr = d.suggestedLr;
    if (lr !== null) this.setExperiment({ ...this.experimentNow, optimizer: { ...this.experimentNow.optimizer, lr } });
    await this.busyWhile(true, async () => {
      if (d.rewindStep !== null) {
        await this.run.rewindWithLearningRate(lr);
        return;
      }
      if (lr !== null) await this.run.setLearningRate(lr);
      await this.run.command('reset', this.experimentNow, this.ownData(), this.datasetVersion());
    });
  }

  /** Runs a command with the buttons waiting (`busy`); its failure becomes a notice. */
  private async busyWhile(busy: boolean, fn: () => Promise<unknown>): Promise<void> {
    this.commandBusy = busy;
    try {
      await fn();
    } catch (err) {
      this.showError(errorOf(err));
    } finally {
      this.commandBusy = false;
    }
  }

  private onSessionEvent(e: SessionEvent): void {
    this.dispatchEvent(new CustomEvent('session-event', { detail: e }));
    const notice = noticeOf(e);
    if (notice) this.showNotice(notice);
    switch (e.type) {
      case 'phase': {
        this.phase = e.phase;
        if (e.phase !== 'loading') this.progress = null;
        // A divergence pauses too; its status stays until it is dealt with.
        const diverged = e.phase === 'paused' && this.notices.some((n) => n.id === 'diverged');
        const status = e.phase === 'paused' ? pausedStatus(this.run.step, 'user', this.recordsNow, this.experimentNow.epochs) : phaseStatus(e.phase, this.datasetName(), this.infoNow?.adapter ?? null);
        if (status && !diverged) this.status = status;
        break;
      }
      case 'load-progress':
        this.progress = e.progress;
        this.status = loadingStatus(this.datasetName(), e.progress);
        break;
      case 'ready':
        this.infoNow = e.info;
        this.recordsNow = [];
        this.inspections = NO_INSPECTIONS;
        this.failures = {};
        this.sessionErrors = {};
        this.divergence = null;
        this.dismiss('diverged');
        this.views?.clearRecordings();
        this.status = readyStatus(e.info);
        break;
      case 'metrics': {
        this.recordsNow = addRecord(this.recordsNow, e.record);
        const latest = this.recordsNow[this.recordsNow.length - 1];
        if (this.phase === 'training' && this.infoNow) this.status = trainingStatus(latest, this.infoNow);
        break;
      }
      case 'recording':
        this.views?.pushRecording(e.recording);
        break;
      case 'paused':
        this.status = pausedStatus(e.step, e.reason, this.recordsNow, this.experimentNow.epochs) ?? this.status;
        break;
      case 'resumed':
        this.dismiss('diverged');
        break;
      case 'diverged':
        this.divergence = e;
        this.status = { kind: 'error', text: `Diverged at step ${e.step.toLocaleString()}.` };
        break;
      case 'recovered':
      case 'rewound':
        // Records after the step gone back to belong to the lost device or the undone steps.
        this.recordsNow = this.recordsNow.filter((r) => r.step <= e.step);
        if (e.type === 'rewound') this.status = { kind: 'info', text: `Rewound to step ${e.step.toLocaleString()}; press Play to train on.` };
        break;
      case 'error':
        this.showError(e.error);
        break;
    }
  }

  private onInspected(r: InspectResult): void {
    this.inspections = { ...this.inspections, [r.kind]: r };
    if (this.failures[r.kind]) {
      const { [r.kind]: _gone, ...rest } = this.failures;
      this.failures = rest;
    }
  }

  private showError(error: SessionErrorInfo): void {
    // The worker found no WebGPU after all (a browser without it in workers): the same panel as the page's own check.
    if (error.code === 'gpu-unavailable' && this.phase !== 'recovering') {
      this.support = { available: false, reason: error.message };
      return;
    }
    const report = errorReport(error);
    this.showNotice(report.notice);
    this.status = report.status;
    // A setting the engine refused once it saw the data (a batch larger than the file, say) is marked at its control too.
    if (report.setting) this.sessionErrors = { ...this.sessionErrors, [report.setting]: report.settingMessage };
  }

  private showNotice(n: Notice): void {
    this.notices = [...this.notices.filter((x) => x.id !== n.id), n];
  }

  private dismiss(id: string): void {
    if (this.notices.some((n) => n.id === id)) this.notices = this.notices.filter((n) => n.id !== id);
  }

  // ---- what the children draw ----

  private async checkSupport(): Promise<void> {
    const support = await detectWebGpu();
    this.support = support;
    this.status = support.available
      ? { kind: 'info', text: 'Choose the settings and press Play.' }
      : { kind: 'error', text: 'WebGPU is unavailable, so nothing can be trained here.' };
    if (support.available && this.autoplay) await this.runCommand('play');
  }

  private datasetName(): string {
    const own = this.ownData();
    return own ? own.files.join(', ') : DATASET_LABELS[this.experimentNow.dataset];
  }

  /** The 2-D training points drawn over the boundary: the teaching set the run trains on, or the user's own 2-D file. */
  private boundaryPoints(e: Experiment): LabelledPoint[] {
    const own = this.ownData();
    if (!own && !isTeachingDataset(e.dataset)) return [];
    const key = own ? `own:${this.ownVersion}` : `${e.dataset}:${e.seed}:${e.trainSubset ?? ''}:${e.testSubset ?? ''}`;
    if (this.pointsCache?.key !== key) this.pointsCache = { key, points: trainingPoints(own ? own.dataset : teachingSetOf(e), MAX_POINTS) };
    return this.pointsCache.points;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'plasticity-app': PlasticityApp;
  }
}
