/** The demo page: every check goes through the public API only. */
import { createDetector, DEFAULT_MODEL_URL, type CheckRequest, type CheckResponse, type DetectorOptions } from '../index';
import { describeFaces, drawFaces } from './faces-overlay';
import { verdict } from './verdict';
import { createVideoView } from './video-view';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');
const drop = $<HTMLDivElement>('drop');
const fileInput = $<HTMLInputElement>('file');
const canvas = $<HTMLCanvasElement>('preview');
const videoView = createVideoView($('video-view'));
const cancelButton = $<HTMLButtonElement>('cancel');
let running: AbortController | null = null;

function setStatus(text: string, isError = false) {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

/**
 * `?threads=2`, `?webgpu=0` (WASM only) and `?webgpu=any` (WebGPU on a software adapter too) tune the
 * runtime, for benchmarks, tests and debugging.
 */
function runtimeOptionsFromQuery(query: URLSearchParams): DetectorOptions {
  const threads = Number(query.get('threads'));
  const webgpu = query.get('webgpu');
  return {
    ...(Number.isInteger(threads) && threads > 0 ? { threads } : {}),
    ...(webgpu === '0' ? { webgpu: false } : webgpu === 'any' ? { webgpu: 'any-adapter' as const } : {}),
  };
}

/** The built app keeps its files for offline use (build/service-worker.ts); the dev server does not. */
async function registerServiceWorker(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('./sw.js');
  } catch {
    // Sandboxed frames and private modes refuse service workers: the app then simply needs the network.
  }
}
const loadStarted = performance.now();
const detector = await createDetector(runtimeOptionsFromQuery(new URLSearchParams(location.search)));
const loadMs = performance.now() - loadStarted;
// Only now: the service worker's install fetches every file of the build (about 55 MB, both
// onnxruntime-web builds), which would otherwise compete with the first load for the network and CPU.
void registerServiceWorker();
$('engine').textContent = `Model ${detector.model.version} on ${detector.model.backend.toUpperCase()} (${detector.threads} thread${detector.threads === 1 ? '' : 's'}), loaded in ${Math.round(loadMs)} ms.`;
setStatus('Ready. Choose an image or a video.');

/** Videos go through checkVideo for progress and cancelling; everything else through check. */
function looksLikeVideo(name: string, type: string): boolean {
  return type.startsWith('video/') || /\.(mp4|m4v|mov|webm|mkv)$/i.test(name.split(/[?#]/)[0]!);
}

async function show(request: CheckRequest, preview: Blob | string, name: string, type = '') {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  setStatus('Checking…');
  let response: CheckResponse;
  if (looksLikeVideo(name, type)) {
    canvas.hidden = true;
    videoView.show(preview);
    cancelButton.hidden = false;
    response = await detector.checkVideo(request, { signal: controller.signal, onProgress: (update) => running === controller && videoView.progress(update) });
    cancelButton.hidden = true;
    if (running !== controller) return; // a newer check took over
    videoView.finish(response);
  } else {
    videoView.hide();
    canvas.hidden = false;
    response = await detector.check(request);
    if (running !== controller) return;
  }
  running = null;
  await render(response, preview);
  const timing = response.status === 'success' ? ` in ${Math.round(response.timings.total)} ms` : '';
  setStatus(response.status === 'success' ? `Checked${timing}.` : 'The check failed.', response.status === 'failure');
}

cancelButton.addEventListener('click', () => running?.abort());

async function render(response: CheckResponse, preview: Blob | string) {
  $('result').hidden = false;
  const { text, tone } = verdict(response);
  const verdictElement = $('verdict');
  verdictElement.textContent = text;
  verdictElement.className = `verdict ${tone}`;
  $('json').textContent = JSON.stringify(response, null, 2);
  const context = canvas.getContext('2d')!;
  if (response.status === 'failure') {
    canvas.width = canvas.height = 0;
    $('faces-caption').textContent = '';
    return;
  }
  if ('summary' in response) {
    $('faces-caption').textContent = '';
    return;
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = typeof preview === 'string' ? await createImageBitmap(await (await fetch(preview)).blob()) : await createImageBitmap(preview);
  } catch {
    return;
  }
  const scale = Math.min(1, 1024 / Math.max(bitmap.width, bitmap.height));
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  drawFaces(context, response.faces, canvas.width, canvas.height);
  $('faces-caption').textContent = describeFaces(response.faces);
}

function checkFile(file: File | null | undefined) {
  if (file) void show({ media: file }, file, file.name, file.type);
}

fileInput.addEventListener('change', () => checkFile(fileInput.files?.[0]));
drop.addEventListener('click', (event) => {
  if (event.target === drop) fileInput.click();
});
drop.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    fileInput.click();
  }
});
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  checkFile(event.dataTransfer?.files[0]);
});
document.addEventListener('paste', (event) => {
  const item = Array.from(event.clipboardData?.items ?? []).find((entry) => entry.kind === 'file');
  checkFile(item?.getAsFile());
});
$<HTMLFormElement>('url-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const url = $<HTMLInputElement>('url').value.trim();
  void show({ url }, url, url);
});
$('copy').addEventListener('click', () => void navigator.clipboard.writeText($('json').textContent ?? ''));

// Exposed for the end-to-end tests and for scripting from the console.
Object.assign(window, { deepfakeDetector: detector, createDeepfakeDetector: createDetector, deepfakeModelUrl: DEFAULT_MODEL_URL });
