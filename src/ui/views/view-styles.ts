// Styles every view shares: a figure with a title line and a muted note, a legend, and the empty state.
import { css } from 'lit';

export const viewStyles = css`
  :host {
    display: block;
    min-width: 0;
    color: var(--text);
    font-family: var(--font);
  }
  figure {
    margin: 0;
    position: relative;
  }
  figcaption {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.2rem 0.6rem;
    margin-bottom: 0.5rem;
  }
  .title {
    font-weight: 600;
  }
  .note {
    color: var(--muted);
    font-size: 0.82rem;
    line-height: 1.35;
  }
  canvas.plot {
    display: block;
    width: 100%;
  }
  .empty {
    position: absolute;
    inset: 2rem 0 0;
    display: grid;
    place-items: center;
    color: var(--muted);
    font-size: 0.95rem;
    text-align: center;
    pointer-events: none;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3rem 0.9rem;
    margin: 0.5rem 0 0;
    padding: 0;
    list-style: none;
    font-size: 0.85rem;
  }
  .legend li {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
  }
  .swatch {
    display: inline-block;
    width: 0.8rem;
    height: 0.8rem;
    border-radius: 2px;
    flex: none;
  }
`;
