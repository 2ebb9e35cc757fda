// <plasticity-lab>: the lab for another page to embed with one module script and one tag
// (docs/embedding.md); the embed build (vite.config.ts) makes it dist/embed/plasticity-lab.js. It reads its attributes and renders the app element with them; it
// brings the theme along, since an embedding page has no theme.css.
import { css, html, LitElement, nothing, type PropertyValues, unsafeCSS } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import themeSheet from '../theme.css?raw';
import '../plasticity-app';
import { type Controls, defaultDatasetsUrl, type EmbedPreset, hostTheme, readControls, readPreset } from './embed';

@customElement('plasticity-lab')
export class PlasticityLab extends LitElement {
  static override styles = [
    unsafeCSS(hostTheme(themeSheet)),
    css`
      :host {
        display: block;
        background: var(--page);
        color: var(--text);
        font-family: var(--font);
        font-size: 16px;
      }
      .problems {
        margin: 0 0 0.75rem;
        padding: 0.5rem 0.8rem;
        border: 1px solid var(--warn-border);
        border-radius: var(--radius-small);
        background: var(--warn-bg);
        font-size: 0.9rem;
      }
      .problems p {
        margin: 0;
      }
      .problems ul {
        margin: 0.3rem 0 0;
        padding-left: 1.2rem;
      }
    `,
  ];

  /** A lesson id ('weight-transport'), a lesson step counted from 0 ('weight-transport:1'), or a share link's query ('v=1&h=128&r=fa'). */
  @property() preset: string | null = null;
  /** Start training as soon as the data are loaded. */
  @property({ type: Boolean }) autoplay = false;
  /** 'full' (default), 'minimal' (play, pause, step, reset) or 'none' (charts only; it then plays by itself). */
  @property() controls: string | null = null;
  /** Where the shipped datasets are served; by default the datasets/ folder beside the script's embed/ folder. */
  @property({ attribute: 'datasets-url' }) datasetsUrl: string | null = null;

  @state() private read: EmbedPreset = readPreset(null);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('preset')) this.read = readPreset(this.preset);
  }

  override render() {
    const { controls, problem } = readControls(this.controls);
    const problems = [...this.read.problems, ...(problem ? [problem] : [])];
    // With no controls nobody could press play.
    const autoplay = this.autoplay || controls === 'none';
    return html`${problems.length
        ? html`<div class="problems" role="note">
            <p>Part of this lab's settings could not be used:</p>
            <ul>${problems.map((p) => html`<li>${p}</li>`)}</ul>
          </div>`
        : nothing}
      <plasticity-app
        .embedded=${true}
        .experiment=${this.read.experiment}
        .autoplay=${autoplay}
        .controls=${controls satisfies Controls}
        .datasetsUrl=${this.datasetsUrl ?? defaultDatasetsUrl(import.meta.url, import.meta.env.DEV)}
      ></plasticity-app>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'plasticity-lab': PlasticityLab;
  }
}
