/** The demo page: every check goes through the public API only. */
import { createDetector, type CheckRequest, type CheckResponse, type DetectorOptions } from '../index';
import { verdict } from './verdict';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');
const drop = $<HTMLDivElement>('drop');
const fileInput = $<HTMLInputElement>('file');
const canvas = $<HTMLCanvasElement>('preview');

function setStatus(text: string, isError = false) {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

/** `?threads=2&webgpu=0` tune the runtime, for benchmarks and debugging. */
function runtimeOptionsFromQuery(query: URLSearchParams): DetectorOptions {
  const threads = Number(query.get('threads'));
  return {
    ...(Number.isInteger(threads) && threads > 0 ? { threads } : {}),
    ...(query.get('webgpu') === '0' ? { webgpu: false } : {}),
  };
}

const loadStarted = performance.now();
const detector = await createDetector(runtimeOptionsFromQuery(new URLSearchParams(location.search)));
const loadMs = performance.now() - loadStarted;
$('engine').textContent = `Model ${detector.model.version} on ${detector.model.backend.toUpperCase()} (${detector.threads} thread${detector.threads === 1 ? '' : 's'}), loaded in ${Math.round(loadMs)} ms.`;
setStatus('Ready. Choose an image.');

async function show(request: CheckRequest, preview: Blob | string) {
  setStatus('Checking…');
  const response = await detector.check(request);
  await render(response, preview);
  const timing = response.status === 'success' ? ` in ${Math.round(response.timings.total)} ms` : '';
  setStatus(response.status === 'success' ? `Checked${timing}.` : 'The check failed.', response.status === 'failure');
}

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
  context.lineWidth = Math.max(2, canvas.width / 300);
  context.font = `${Math.max(12, canvas.width / 40)}px system-ui`;
  response.faces.forEach((face) => {
    const color = face.deepfake >= 0.5 ? '#dc2626' : '#16a34a';
    const [x, y] = [face.x1 * canvas.width, face.y1 * canvas.height];
    context.strokeStyle = color;
    context.strokeRect(x, y, (face.x2 - face.x1) * canvas.width, (face.y2 - face.y1) * canvas.height);
    const label = `${Math.round(face.deepfake * 100)}%${face.uncertain ? ' ?' : ''}`;
    context.fillStyle = color;
    context.fillText(label, x + 4, Math.max(14, y - 6));
  });
  $('faces-caption').textContent =
    response.faces.length === 0
      ? 'No face found.'
      : response.faces.map((face, i) => `Face ${i + 1}: ${Math.round(face.deepfake * 100)}%${face.uncertain ? ` (uncertain: ${face.uncertain.join(', ')})` : ''}`).join(' · ');
}

function checkFile(file: File | null | undefined) {
  if (file) void show({ media: file }, file);
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
  void show({ url }, url);
});
$('copy').addEventListener('click', () => void navigator.clipboard.writeText($('json').textContent ?? ''));

// Exposed for the end-to-end tests and for scripting from the console.
Object.assign(window, { deepfakeDetector: detector });
