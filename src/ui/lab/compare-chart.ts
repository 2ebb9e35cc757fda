// A line chart of one metric (test accuracy or train loss) against the step, one line per
// compared rule in its colour and dash; the legend is HTML so that it is read aloud too.
import { Chart, type ChartDataset, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { css, html, LitElement, nothing, type PropertyValues, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { viewStyles } from '../views/view-styles';
import { type AnyMetricsRecord, COMPARE_METRICS, type CompareMetric, latestValue, METRIC_AXES, metricPoints, type Point, ruleColor, ruleDash } from './compare-series';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip);

/** What the chart needs of a compared rule (a ComparedRule is one). */
export interface ChartedRule {
  readonly rule: string;
  /** Default: its place's colour (ruleColor). */
  readonly color?: string;
  readonly records: readonly AnyMetricsRecord[];
}

@customElement('compare-chart')
export class CompareChart extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .plot-box {
        position: relative;
        height: var(--chart-height, 320px);
      }
      .legend svg {
        flex: none;
      }
      .value {
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** The compared rules, in the comparison's order. Replace the array (or a rule's records) to redraw. */
  @property({ attribute: false }) rules: readonly ChartedRule[] = [];
  /** Which metric: 'test-accuracy' (default) or 'train-loss'. */
  @property({ reflect: true }) metric: CompareMetric = 'test-accuracy';

  private chart: Chart<'line', Point[]> | null = null;

  /** The metric drawn: an unknown `metric` attribute draws test accuracy. */
  private get shown(): CompareMetric {
    return COMPARE_METRICS.includes(this.metric) ? this.metric : 'test-accuracy';
  }

  /** The drawn canvas, for a PNG export. */
  get canvas(): HTMLCanvasElement | null {
    return this.renderRoot.querySelector('canvas');
  }

  override render() {
    const axes = METRIC_AXES[this.shown];
    const hasPoints = this.rules.some((r) => metricPoints(r.records, this.shown).length > 0);
    return html`<figure>
      <figcaption><span class="title">${axes.title} by rule</span><span class="note">against the training step; all rules start from the same weights</span></figcaption>
      <div class="plot-box">
        <canvas role="img" aria-label=${this.summary(axes.title)}></canvas>
        ${hasPoints ? nothing : html`<div class="empty">The rules' curves appear here once they train.</div>`}
      </div>
      <ul class="legend" aria-label="Rules">
        ${this.rules.map((r, i) => {
          const value = latestValue(r.records, this.shown);
          return html`<li>
            ${dashSwatch(this.colorOf(r, i), ruleDash(i))}<span>${r.rule}</span>${value === null ? nothing : html`<span class="value">${value}</span>`}
          </li>`;
        })}
      </ul>
    </figure>`;
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('metric') && this.chart) {
      this.chart.destroy();
      this.chart = null;
    }
    this.chart ??= this.createChart();
    this.redraw();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back in the page after a move: draw again.
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = null;
  }

  private colorOf(r: ChartedRule, i: number): string {
    return r.color ?? ruleColor(i);
  }

  /** The canvas's text alternative: each rule's latest value. */
  private summary(title: string): string {
    const parts = this.rules.map((r) => `${r.rule} ${latestValue(r.records, this.shown) ?? 'no value yet'}`);
    return `${title} against the training step for ${this.rules.length} rules${parts.length ? `: ${parts.join(', ')}` : ''}.`;
  }

  private redraw(): void {
    const chart = this.chart!;
    chart.data.datasets = this.rules.map((r, i): ChartDataset<'line', Point[]> => {
      const color = this.colorOf(r, i);
      const points = metricPoints(r.records, this.shown);
      return {
        label: r.rule,
        data: points,
        borderColor: color,
        backgroundColor: color,
        borderDash: [...ruleDash(i)],
        borderWidth: 2,
        // Markers only while the curves are sparse enough to read them.
        pointRadius: points.length > 40 ? 0 : 2.5,
        tension: this.shown === 'test-accuracy' ? 0 : 0.2,
      };
    });
    chart.update('none');
    this.dataset.points = String(chart.data.datasets.reduce((n, d) => n + d.data.length, 0));
  }

  private createChart(): Chart<'line', Point[]> {
    const canvas = this.canvas!;
    const style = getComputedStyle(this);
    const color = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    const text = color('--muted', '#5b6472');
    const grid = color('--grid', '#e3e7ee');
    const axes = METRIC_AXES[this.shown];
    return new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        responsive: true,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'Step', color: text }, ticks: { color: text, precision: 0 }, grid: { color: grid } },
          y: {
            type: 'linear',
            ...(axes.percent ? { min: 0, max: 100 } : { beginAtZero: true }),
            title: { display: true, text: axes.axis, color: text },
            ticks: { color: text },
            grid: { color: grid },
          },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => (items[0] ? `Step ${items[0].parsed.x}` : ''),
              label: (item) => `${item.dataset.label}: ${item.parsed.y?.toFixed(axes.percent ? 1 : 3)}${axes.percent ? '%' : ''}`,
            },
          },
        },
      },
    });
  }
}

/** A short line in the rule's colour and dash, as drawn on the chart. */
function dashSwatch(color: string, dash: readonly number[]) {
  return html`<svg width="28" height="10" aria-hidden="true">${svg`<line x1="1" y1="5" x2="27" y2="5" stroke=${color} stroke-width="2.5" stroke-dasharray=${dash.length ? dash.join(' ') : 'none'} />`}</svg>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'compare-chart': CompareChart;
  }
}
