/**
 * <deepfake-check>: the detector as a custom element that any page embeds
 * with one script tag. Shadow DOM keeps its markup and styles apart from the
 * host page's; it uses only the public API.
 *
 *   <script type="module" src="/deepfake-check/widget.js"></script>
 *   <deepfake-check assets="/deepfake-check/" theme="dark" compact></deepfake-check>
 *
 * Attributes: `assets` (URL of the folder holding the build's assets/,
 * default: next to the script), `compact` (verdict only, no preview),
 * `theme` (light | dark | auto). Fires `result` (detail: the response
 * object) after every check, and `ready` once the detector has loaded.
 */
import { createDetector, type CheckResponse, type Detector } from '../index';
import { drawFaces } from '../ui/faces-overlay';
import { verdict } from '../ui/verdict';

const STYLE = `
:host { display: block; font: 14px/1.4 system-ui, sans-serif; --fake: #dc2626; --real: #16a34a; --muted: #6b7280; color-scheme: light; }
:host([theme=dark]) { color-scheme: dark; }
@media (prefers-color-scheme: dark) { :host([theme=auto]) { color-scheme: dark; } }
.box { border: 1px solid var(--muted); border-radius: .6rem; padding: .75rem; background: Canvas; color: CanvasText; }
label.pick { display: inline-block; padding: .35rem .8rem; border: 1px solid var(--muted); border-radius: .4rem; cursor: pointer; }
label.pick:focus-within { outline: 2px solid #2563eb; }
input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.verdict { margin: .5rem 0 0; font-weight: 600; }
.verdict.fake { color: var(--fake); } .verdict.real { color: var(--real); }
.status { margin: .25rem 0 0; color: var(--muted); }
canvas { display: block; max-width: 100%; margin-top: .5rem; border-radius: .4rem; }
:host([compact]) canvas { display: none; }
.privacy { margin: .5rem 0 0; font-size: 12px; color: var(--muted); }
`;

export class DeepfakeCheckElement extends HTMLElement {
  static readonly observedAttributes = ['assets'];
  #detector: Promise<Detector> | null = null;
  readonly #root = this.attachShadow({ mode: 'open' });

  connectedCallback(): void {
    if (this.#root.childElementCount > 0) return;
    this.#root.innerHTML = `<style>${STYLE}</style>
      <div class="box" part="box">
        <label class="pick" part="button">Check an image or video<input type="file" accept="image/*,video/mp4,video/webm"></label>
        <p class="status" role="status" aria-live="polite">Loading the detector…</p>
        <p class="verdict" hidden></p>
        <canvas hidden aria-hidden="true"></canvas>
        <p class="privacy">Checked on this device: the file never leaves the page.</p>
      </div>`;
    this.#root.querySelector('input')!.addEventListener('change', (event) => {
      const file = (event.target as HTMLInputElement).files?.[0];
      if (file) void this.check(file);
    });
    void this.#load();
  }

  attributeChangedCallback(): void {
    // A new asset location takes effect for the next detector; drop the current one.
    if (this.#detector) void this.#detector.then((detector) => detector.close());
    this.#detector = null;
    if (this.isConnected) void this.#load();
  }

  disconnectedCallback(): void {
    if (this.#detector) void this.#detector.then((detector) => detector.close());
    this.#detector = null;
  }

  /** Checks a file (image or video) and resolves to the response, also sent as a `result` event. */
  async check(file: File): Promise<CheckResponse> {
    this.#status('Checking…');
    const detector = await this.#load();
    const response = await detector.check({ media: file }); // check() tells a video from an image by its bytes
    await this.#render(response, file);
    this.dispatchEvent(new CustomEvent('result', { detail: response, bubbles: true, composed: true }));
    return response;
  }

  #load(): Promise<Detector> {
    this.#detector ??= createDetector({ assetBaseUrl: this.getAttribute('assets') ?? undefined }).then((detector) => {
      this.#status('Ready.');
      this.dispatchEvent(new CustomEvent('ready', { detail: { model: detector.model } }));
      return detector;
    });
    return this.#detector;
  }

  #status(text: string): void {
    const status = this.#root.querySelector('.status');
    if (status) status.textContent = text;
  }

  async #render(response: CheckResponse, file: File): Promise<void> {
    const { text, tone } = verdict(response);
    const line = this.#root.querySelector<HTMLElement>('.verdict')!;
    line.textContent = text;
    line.className = `verdict ${tone}`;
    line.hidden = false;
    this.#status(response.status === 'success' ? `Model ${response.model.version}.` : 'The check failed.');
    const canvas = this.#root.querySelector('canvas')!;
    canvas.hidden = true;
    if (response.status !== 'success' || 'summary' in response || this.hasAttribute('compact')) return;
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      const scale = Math.min(1, 480 / Math.max(bitmap.width, bitmap.height));
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      drawFaces(context, response.faces, canvas.width, canvas.height);
      canvas.hidden = false;
    } catch {
      // The verdict stands without a preview.
    }
  }
}

if (!customElements.get('deepfake-check')) customElements.define('deepfake-check', DeepfakeCheckElement);
