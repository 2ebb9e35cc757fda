// Styles several page components share, so a card or a quiet button looks the same everywhere.
import { css } from 'lit';

/** A raised panel on the page's background. */
export const cardStyles = css`
  .card {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    padding: 1rem 1.1rem;
    box-shadow: var(--shadow);
    min-width: 0;
  }
`;

/** A secondary action: outlined, on the input background. */
export const quietButtonStyles = css`
  .quiet-button {
    font: inherit;
    font-size: 0.9rem;
    font-weight: 600;
    padding: 0.45rem 0.8rem;
    border-radius: var(--radius-small);
    border: 1px solid var(--border-strong);
    background: var(--input-bg);
    color: var(--text);
    cursor: pointer;
  }
  .quiet-button:focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 2px;
  }
`;
