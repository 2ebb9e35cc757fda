// Shown instead of the training controls' results when the browser cannot run WebGPU.
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';

@customElement('webgpu-unavailable')
export class WebGpuUnavailable extends LitElement {
  static override styles = css`
    :host {
      display: block;
      border: 1px solid var(--warn-border);
      background: var(--warn-bg);
      border-radius: var(--radius);
      padding: 1rem 1.25rem;
      line-height: 1.5;
    }
    h2 {
      margin: 0 0 0.5rem;
      font-size: 1.15rem;
    }
    p {
      margin: 0.4rem 0;
    }
    ul {
      margin: 0.4rem 0;
      padding-left: 1.25rem;
    }
    code {
      font-family: var(--mono);
      font-size: 0.9em;
      background: var(--code-bg);
      padding: 0.05em 0.3em;
      border-radius: 4px;
      overflow-wrap: anywhere;
    }
    .reason {
      color: var(--muted);
    }
  `;

  /** Why this browser has no WebGPU, in words (from detectWebGpu or the engine's error). */
  @property() reason = '';

  override render() {
    return html`<section role="alert" aria-labelledby="title">
      <h2 id="title">WebGPU is unavailable in this browser</h2>
      <p>This lab trains its networks on your GPU through WebGPU, so it cannot run here.</p>
      ${this.reason ? html`<p class="reason">${this.reason}</p>` : null}
      <p>Browsers that support WebGPU:</p>
      <ul>
        <li>Chrome and Edge 113 or newer (Windows, macOS, ChromeOS)</li>
        <li>Safari 26 or newer</li>
        <li>Firefox 141 or newer on Windows</li>
        <li>On Linux, Chrome needs <code>chrome://flags/#enable-unsafe-webgpu</code> enabled</li>
      </ul>
      <p>If your browser is listed, check that hardware acceleration is on and look for WebGPU in <code>chrome://gpu</code> (or the equivalent page of your browser).</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'webgpu-unavailable': WebGpuUnavailable;
  }
}
