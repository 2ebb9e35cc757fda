// The shared base of the canvas views: one <canvas class="plot"> in the shadow root,
// painted in the next animation frame at the device's pixel ratio. Its size comes from
// a ResizeObserver, so painting never reads layout; theme colours are read once and
// read again when the colour scheme or the root element's class/style/data-theme changes.
import { LitElement } from 'lit';
import type { Rgb } from './view-data';

export abstract class CanvasView extends LitElement {
  /** The canvas's CSS size, from the ResizeObserver. */
  private box = { width: 0, height: 0 };

  private frame = 0;
  private resize: ResizeObserver | null = null;
  private themeObserver: MutationObserver | null = null;
  private readonly scheme = matchMedia('(prefers-color-scheme: dark)');
  private readonly colors = new Map<string, string>();
  private probe: CanvasRenderingContext2D | null = null;

  /** Paints the plot; the context is scaled so that units are CSS pixels and is cleared. */
  protected abstract draw(ctx: CanvasRenderingContext2D, width: number, height: number): void;

  /** Called when the theme may have changed, before the repaint; cached colours are gone by then. */
  protected themeChanged(): void {}

  protected get canvas(): HTMLCanvasElement | null {
    return this.renderRoot.querySelector<HTMLCanvasElement>('canvas.plot');
  }

  /** Paints in the next animation frame; calls in between share one paint. */
  scheduleDraw(): void {
    if (this.frame === 0 && this.isConnected) this.frame = requestAnimationFrame(() => this.paint());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.scheme.addEventListener('change', this.onTheme);
    this.themeObserver = new MutationObserver(this.onTheme);
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style', 'data-theme'] });
    if (this.hasUpdated) this.observeSize();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.scheme.removeEventListener('change', this.onTheme);
    this.themeObserver?.disconnect();
    this.resize?.disconnect();
    this.resize = null;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  protected override firstUpdated(): void {
    this.observeSize();
  }

  /** A custom property of the theme (e.g. '--text'), or `fallback` where the page sets none. */
  protected color(name: string, fallback: string): string {
    let c = this.colors.get(name);
    if (c === undefined) {
      c = getComputedStyle(this).getPropertyValue(name).trim() || fallback;
      this.colors.set(name, c);
    }
    return c;
  }

  /** The channels of any CSS colour, as the canvas resolves it. */
  protected rgb(css: string): Rgb {
    this.probe ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const p = this.probe;
    p.clearRect(0, 0, 1, 1);
    p.fillStyle = css;
    p.fillRect(0, 0, 1, 1);
    const [r, g, b] = p.getImageData(0, 0, 1, 1).data;
    return [r!, g!, b!];
  }

  /** The theme's font at `px` pixels. */
  protected font(px: number, weight = 400): string {
    return `${weight} ${px}px ${this.color('--font', 'system-ui, sans-serif')}`;
  }

  private readonly onTheme = (): void => {
    this.colors.clear();
    this.themeChanged();
    this.scheduleDraw();
  };

  private observeSize(): void {
    const canvas = this.canvas;
    if (!canvas) return;
    this.resize ??= new ResizeObserver(([entry]) => {
      if (!entry) return;
      this.box = { width: entry.contentRect.width, height: entry.contentRect.height };
      this.scheduleDraw();
    });
    this.resize.observe(canvas);
  }

  private paint(): void {
    this.frame = 0;
    const canvas = this.canvas;
    const { width, height } = this.box;
    if (!canvas || width <= 0 || height <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(width * dpr);
    const h = Math.round(height * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    this.draw(ctx, width, height);
  }
}
