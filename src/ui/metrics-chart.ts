// A line chart of train loss, train accuracy and test accuracy against the step,
// for rate and spiking runs alike; the loss and the accuracies can each be hidden.
import {
  Chart,
  type ChartDataset,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { MetricsRecord } from '../engine/training/trainer';

// Only what a line chart on linear axes needs, so the rest of Chart.js stays out of the bundle.
Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

type Point = { x: number; y: number };

/** What the chart reads of a record: a rate run's MetricsRecord and a spiking run's both have it. */
export type ChartRecord = Pick<MetricsRecord, 'step' | 'trainLoss' | 'trainAcc' | 'testAcc'>;

export type ChartSeries = 'loss' | 'accuracy';

/** Series drawn from the records; accuracies are in percent on the right axis. */
export function seriesOf(records: readonly ChartRecord[]): { trainLoss: Point[]; trainAcc: Point[]; testAcc: Point[] } {
  const trainLoss: Point[] = [];
  const trainAcc: Point[] = [];
  const testAcc: Point[] = [];
  for (const r of records) {
    // A record with no training steps behind it (the step-0 evaluation) has NaN train values.
    if (Number.isFinite(r.trainLoss)) trainLoss.push({ x: r.step, y: r.trainLoss });
    if (Number.isFinite(r.trainAcc)) trainAcc.push({ x: r.step, y: 100 * r.trainAcc });
    if (r.testAcc !== null && Number.isFinite(r.testAcc)) testAcc.push({ x: r.step, y: 100 * r.testAcc });
  }
  return { trainLoss, trainAcc, testAcc };
}

@customElement('metrics-chart')
export class MetricsChart extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      height: var(--chart-height, 320px);
      min-width: 0;
    }
    canvas {
      display: block;
    }
    .empty {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      color: var(--muted);
      font-size: 0.95rem;
      pointer-events: none;
    }
  `;

  /** Every record of the run so far, oldest first. Replace the array to redraw. */
  @property({ attribute: false }) records: readonly ChartRecord[] = [];
  /** The curves drawn: the loss (left axis), the accuracies (right axis), or both. */
  @property({ attribute: false }) show: readonly ChartSeries[] = ['loss', 'accuracy'];

  private chart: Chart<'line', Point[]> | null = null;
  private series = seriesOf([]);
  private readonly scheme = matchMedia('(prefers-color-scheme: dark)');
  private themeObserver: MutationObserver | null = null;

  override render() {
    const what = [this.show.includes('loss') ? 'train loss' : '', this.show.includes('accuracy') ? 'train and test accuracy' : ''].filter(Boolean).join(', ');
    return html`<canvas role="img" aria-label=${`${what || 'Nothing'} against the training step`}></canvas>
      ${this.pointCount() === 0 ? html`<div class="empty">The curves appear here once training starts.</div>` : null}`;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('records')) this.series = seriesOf(this.records);
  }

  override updated(changed: PropertyValues<this>): void {
    if (!this.chart) this.chart = this.createChart();
    if (changed.has('records') || changed.has('show')) this.redraw();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.scheme.removeEventListener('change', this.onTheme);
    this.themeObserver?.disconnect();
    this.chart?.destroy();
    this.chart = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Colours come from the theme's custom properties when the chart is made: a new theme makes it again.
    this.scheme.addEventListener('change', this.onTheme);
    this.themeObserver = new MutationObserver(this.onTheme);
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    // Back in the page after a move: draw again.
    if (this.hasUpdated) this.requestUpdate('records');
  }

  private readonly onTheme = (): void => {
    this.chart?.destroy();
    this.chart = null;
    this.requestUpdate('records');
  };

  private pointCount(): number {
    const s = this.series;
    return s.trainLoss.length + s.trainAcc.length + s.testAcc.length;
  }

  private redraw(): void {
    const chart = this.chart!;
    const s = this.series;
    const [loss, acc, test] = chart.data.datasets as ChartDataset<'line', Point[]>[];
    loss!.data = s.trainLoss;
    acc!.data = s.trainAcc;
    test!.data = s.testAcc;
    const showLoss = this.show.includes('loss');
    const showAcc = this.show.includes('accuracy');
    loss!.hidden = !showLoss;
    acc!.hidden = !showAcc;
    test!.hidden = !showAcc;
    const scales = chart.options.scales!;
    scales.loss!.display = showLoss;
    scales.acc!.display = showAcc;
    // Markers only while the curves are sparse enough to read them.
    const radius = s.trainLoss.length > 40 ? 0 : 2;
    loss!.pointRadius = radius;
    acc!.pointRadius = radius;
    chart.update('none');
    this.dataset.points = String(this.pointCount());
    this.dataset.testPoints = String(s.testAcc.length);
  }

  private createChart(): Chart<'line', Point[]> {
    const canvas = this.renderRoot.querySelector('canvas')!;
    const style = getComputedStyle(this);
    const color = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    const text = color('--muted', '#5b6472');
    const grid = color('--grid', '#e3e7ee');
    const line = (label: string, c: string, axis: 'loss' | 'acc', extra: Partial<ChartDataset<'line', Point[]>> = {}) => ({
      label,
      data: [] as Point[],
      yAxisID: axis,
      borderColor: c,
      backgroundColor: c,
      borderWidth: 2,
      pointRadius: 2,
      tension: 0.2,
      ...extra,
    });
    return new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          line('Train loss', color('--series-loss', '#d9480f'), 'loss'),
          line('Train accuracy (%)', color('--series-train', '#1c7ed6'), 'acc'),
          line('Test accuracy (%)', color('--series-test', '#2b8a3e'), 'acc', { pointRadius: 4, borderDash: [6, 4], tension: 0 }),
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        responsive: true,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'Step', color: text }, ticks: { color: text, precision: 0 }, grid: { color: grid } },
          loss: {
            type: 'linear',
            position: 'left',
            beginAtZero: true,
            title: { display: true, text: 'Loss', color: text },
            ticks: { color: text },
            grid: { color: grid },
          },
          acc: {
            type: 'linear',
            position: 'right',
            min: 0,
            max: 100,
            title: { display: true, text: 'Accuracy (%)', color: text },
            ticks: { color: text },
            grid: { drawOnChartArea: false },
          },
        },
        plugins: {
          legend: {
            position: 'bottom',
            // Series the view hides are not offered in the legend either.
            labels: { color: text, usePointStyle: true, boxHeight: 6, filter: (item) => this.show.includes(item.datasetIndex === 0 ? 'loss' : 'accuracy') },
          },
          tooltip: {
            callbacks: {
              title: (items) => (items[0] ? `Step ${items[0].parsed.x}` : ''),
              label: (item) => `${item.dataset.label}: ${item.parsed.y?.toFixed(item.dataset.yAxisID === 'acc' ? 1 : 3)}`,
            },
          },
        },
      },
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'metrics-chart': MetricsChart;
  }
}
