// A line chart of train loss, train accuracy and test accuracy against the step.
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

/** Series drawn from the records; accuracies are in percent on the right axis. */
export function seriesOf(records: readonly MetricsRecord[]): { trainLoss: Point[]; trainAcc: Point[]; testAcc: Point[] } {
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
  @property({ attribute: false }) records: readonly MetricsRecord[] = [];

  private chart: Chart<'line', Point[]> | null = null;
  private series = seriesOf([]);

  override render() {
    return html`<canvas role="img" aria-label="Train loss, train accuracy and test accuracy against the training step"></canvas>
      ${this.pointCount() === 0 ? html`<div class="empty">The curves appear here once training starts.</div>` : null}`;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('records')) this.series = seriesOf(this.records);
  }

  override updated(changed: PropertyValues<this>): void {
    if (!this.chart) this.chart = this.createChart();
    if (changed.has('records')) this.redraw();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back in the page after a move: draw again.
    if (this.hasUpdated) this.requestUpdate('records');
  }

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
          legend: { position: 'bottom', labels: { color: text, usePointStyle: true, boxHeight: 6 } },
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
