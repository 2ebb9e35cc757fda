// Things that went wrong or need a decision, each in its own dismissible box:
// problems in the link that opened the page, a diverged run with its one-click
// fix, a lost device and its recovery, the engine's refusals.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';

export interface Notice {
  /** One notice per id: a newer one replaces it. */
  id: string;
  kind: 'info' | 'warn' | 'error';
  title: string;
  /** Sentences; a list when there are several. */
  lines: string[];
  /** A button that acts on the notice (e.g. rewind and lower the learning rate). */
  action?: { label: string; name: string };
}

export type NoticeEvent = CustomEvent<{ id: string; action?: string }>;

@customElement('run-notices')
export class RunNotices extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      gap: 0.75rem;
    }
    :host([empty]) {
      display: none;
    }
    section {
      position: relative;
      border: 1px solid var(--border-strong);
      border-left-width: 4px;
      border-radius: var(--radius);
      background: var(--surface);
      padding: 0.75rem 2.75rem 0.75rem 1rem;
      line-height: 1.45;
    }
    section.warn {
      border-color: var(--warn-border);
      background: var(--warn-bg);
    }
    section.error {
      border-color: var(--error);
      background: var(--error-bg);
    }
    h2 {
      margin: 0 0 0.3rem;
      font-size: 1rem;
    }
    p,
    ul {
      margin: 0.2rem 0;
      overflow-wrap: anywhere;
    }
    ul {
      padding-left: 1.2rem;
    }
    .dismiss {
      position: absolute;
      top: 0.4rem;
      right: 0.4rem;
      width: 2rem;
      height: 2rem;
      border: 0;
      border-radius: var(--radius-small);
      background: transparent;
      color: var(--text);
      font-size: 1.2rem;
      cursor: pointer;
    }
    .action {
      margin-top: 0.5rem;
      font: inherit;
      font-weight: 600;
      padding: 0.4rem 0.8rem;
      border-radius: var(--radius-small);
      border: 1px solid var(--accent);
      background: var(--accent);
      color: var(--on-accent);
      cursor: pointer;
    }
    button:focus-visible {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
  `;

  @property({ attribute: false }) notices: readonly Notice[] = [];

  override updated(): void {
    this.toggleAttribute('empty', this.notices.length === 0);
  }

  override render() {
    return this.notices.map(
      (n) => html`<section class=${n.kind} role=${n.kind === 'info' ? 'status' : 'alert'} aria-labelledby=${`notice-${n.id}`} data-notice=${n.id}>
        <h2 id=${`notice-${n.id}`}>${n.title}</h2>
        ${n.lines.length === 1 ? html`<p>${n.lines[0]}</p>` : html`<ul>${n.lines.map((l) => html`<li>${l}</li>`)}</ul>`}
        ${n.action ? html`<button type="button" class="action" @click=${() => this.send(n.id, n.action!.name)}>${n.action.label}</button>` : nothing}
        <button type="button" class="dismiss" aria-label=${`Dismiss: ${n.title}`} title="Dismiss" @click=${() => this.send(n.id)}>×</button>
      </section>`,
    );
  }

  private send(id: string, action?: string): void {
    this.dispatchEvent(new CustomEvent('notice', { detail: { id, action }, bubbles: true, composed: true }) as NoticeEvent);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-notices': RunNotices;
  }
  interface HTMLElementEventMap {
    notice: NoticeEvent;
  }
}
