// One labelled control with its explanation, shown on hover and on keyboard focus
// (a tooltip also read out as the control's description), and its error beneath.
import { css, html, nothing, type TemplateResult } from 'lit';

export interface FieldParts {
  id: string;
  label: string;
  help: string;
  error?: string | null;
}

/** `control` gets the ids that describe it; it must carry `id` and `aria-describedby`. */
export function field(p: FieldParts, control: (describedBy: string, invalid: boolean) => TemplateResult, className = '') {
  const error = p.error ?? '';
  const describedBy = error ? `${p.id}-error ${p.id}-help` : `${p.id}-help`;
  return html`<div class=${`field ${className}`}>
    <label for=${p.id}>${p.label}<span class="info" aria-hidden="true">?</span></label>
    ${control(describedBy, error !== '')}
    <div class="help" id=${`${p.id}-help`} role="tooltip">${p.help}</div>
    ${error ? html`<div class="error" id=${`${p.id}-error`} role="alert">${error}</div>` : nothing}
  </div>`;
}

export const fieldStyles = css`
  .field {
    position: relative;
    display: grid;
    gap: 0.25rem;
    min-width: 0;
  }
  label {
    font-weight: 600;
    font-size: 0.88rem;
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
  }
  .info {
    display: inline-grid;
    place-items: center;
    width: 0.95rem;
    height: 0.95rem;
    border-radius: 50%;
    border: 1px solid var(--border-strong);
    color: var(--muted);
    font-size: 0.65rem;
    font-weight: 600;
  }
  input,
  select {
    font: inherit;
    font-size: 0.92rem;
    color: var(--text);
    background: var(--input-bg);
    border: 1px solid var(--border-strong);
    border-radius: var(--radius-small);
    padding: 0.4rem 0.5rem;
    min-width: 0;
    width: 100%;
    box-sizing: border-box;
  }
  input[type='file'] {
    padding: 0.3rem;
  }
  input:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 1px;
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'] {
    border-color: var(--error);
  }
  input:disabled,
  select:disabled {
    opacity: 0.6;
  }
  /* Above the control, so the field below stays readable; shown on hover and on focus. */
  .help {
    display: none;
    position: absolute;
    z-index: 10;
    left: 0;
    right: 0;
    bottom: calc(100% + 0.3rem);
    min-width: 12rem;
    padding: 0.45rem 0.6rem;
    border-radius: var(--radius-small);
    background: var(--text);
    color: var(--page);
    font-size: 0.8rem;
    line-height: 1.4;
    box-shadow: 0 4px 12px rgb(0 0 0 / 0.2);
    pointer-events: none;
  }
  .field:hover > .help,
  .field:focus-within > .help {
    display: block;
  }
  .error {
    color: var(--error);
    font-size: 0.82rem;
    line-height: 1.35;
  }
`;
