// The page's title, the GPU in use, and the page-wide actions: copy the share
// link, switch light and dark, and a slot for an export menu.
import { css, html, LitElement, nothing } from 'lit';
import { quietButtonStyles } from './shared-styles';
import { customElement, property, state } from 'lit/decorators.js';
import { currentTheme, setTheme, type Theme } from './theme';

/** What became of the last "Copy link": copied, or the link shown to copy by hand. */
export type CopyState = { kind: 'idle' } | { kind: 'copied' } | { kind: 'manual'; url: string };

@customElement('lab-header')
export class LabHeader extends LitElement {
  static override styles = [
    quietButtonStyles,
    css`
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      justify-content: space-between;
      gap: 0.75rem 1.5rem;
    }
    .intro {
      flex: 1 1 28rem;
      min-width: 0;
    }
    h1 {
      margin: 0;
      font-size: 1.6rem;
      letter-spacing: -0.01em;
    }
    p {
      margin: 0.3rem 0 0;
      color: var(--muted);
      max-width: 70ch;
      line-height: 1.45;
    }
    .adapter {
      font-size: 0.85rem;
    }
    .actions {
      flex: 0 1 auto;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
    }
    input:focus-visible {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
    .copied {
      color: var(--ok);
      font-size: 0.85rem;
    }
    input {
      font: inherit;
      font-size: 0.85rem;
      width: min(28rem, 80vw);
      padding: 0.35rem 0.5rem;
      border: 1px solid var(--border-strong);
      border-radius: var(--radius-small);
      background: var(--input-bg);
      color: var(--text);
    }
  `,
  ];

  @property() adapter = '';
  @property({ attribute: false }) copy: CopyState = { kind: 'idle' };
  @state() private theme: Theme = currentTheme();

  override render() {
    const next: Theme = this.theme === 'dark' ? 'light' : 'dark';
    return html`<div class="intro">
        <h1>Plasticity lab</h1>
        <p>Train a small network with backprop or a learning rule that avoids weight transport, rate or spiking, and watch it learn: its curves, its alignment with backprop, its spikes and what it sees.</p>
        ${this.adapter ? html`<p class="adapter">GPU: ${this.adapter}</p>` : nothing}
      </div>
      <div class="actions">
        <slot name="export"></slot>
        <button type="button" class="quiet-button" id="copy-link" title="Copy this page's address: it holds every setting, so whoever opens it gets the same experiment." @click=${this.onCopy}>Copy link</button>
        ${this.copy.kind === 'copied' ? html`<span class="copied" role="status">Link copied</span>` : nothing}
        ${this.copy.kind === 'manual'
          ? html`<label>Copy this link: <input id="share-url" readonly .value=${this.copy.url} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} /></label>`
          : nothing}
        <button type="button" class="quiet-button" id="theme-toggle" aria-label=${`Switch to the ${next} theme`} title=${`Switch to the ${next} theme`} @click=${() => this.toggleTheme(next)}>
          ${next === 'dark' ? '☾ Dark' : '☀ Light'}
        </button>
      </div>`;
  }

  private toggleTheme(t: Theme): void {
    setTheme(t);
    this.theme = t;
  }

  private onCopy(): void {
    this.dispatchEvent(new CustomEvent('copy-link', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lab-header': LabHeader;
  }
}
