/** The demo page's video panel: progress, cancel, a timeline of frame scores, and face boxes on the current frame. */
import type { VideoProgress } from '../detector';
import type { FaceResult, VideoResponse } from '../respond/types';
import { drawFaces } from './faces-overlay';

const SVG = 'http://www.w3.org/2000/svg';

export interface VideoView {
  show(file: Blob | string): void;
  progress(update: VideoProgress): void;
  finish(response: VideoResponse): void;
  hide(): void;
}

interface Point {
  position: number;
  deepfake: number;
  faces: FaceResult[];
}

export function createVideoView(root: HTMLElement): VideoView {
  const video = root.querySelector<HTMLVideoElement>('video')!;
  const overlay = root.querySelector<HTMLCanvasElement>('canvas')!;
  const bar = root.querySelector<HTMLProgressElement>('progress')!;
  const progressText = root.querySelector<HTMLElement>('.progress-text')!;
  const timeline = root.querySelector<SVGSVGElement>('svg')!;
  let points: Point[] = [];
  let objectUrl: string | null = null;

  function frameAt(ms: number): Point | undefined {
    let current: Point | undefined;
    for (const point of points) if (point.position <= ms + 1) current = point;
    return current;
  }

  /** Boxes are fractions of the frame; the element letterboxes the frame inside its own box (object-fit: contain). */
  function drawCurrentFaces() {
    overlay.width = video.clientWidth;
    overlay.height = video.clientHeight;
    const context = overlay.getContext('2d')!;
    context.clearRect(0, 0, overlay.width, overlay.height);
    const point = frameAt(video.currentTime * 1000);
    if (!point || !video.videoWidth) return;
    const scale = Math.min(overlay.width / video.videoWidth, overlay.height / video.videoHeight);
    const [width, height] = [video.videoWidth * scale, video.videoHeight * scale];
    context.translate((overlay.width - width) / 2, (overlay.height - height) / 2);
    drawFaces(context, point.faces, width, height);
  }

  function drawTimeline(durationMs: number) {
    const width = 1000;
    const height = 120;
    timeline.setAttribute('viewBox', `0 0 ${width} ${height}`);
    timeline.replaceChildren();
    const x = (position: number) => (durationMs > 0 ? (position / durationMs) * width : 0);
    const y = (score: number) => height - 10 - score * (height - 20);
    const threshold = document.createElementNS(SVG, 'line');
    Object.entries({ x1: 0, x2: width, y1: y(0.5), y2: y(0.5), class: 'threshold' }).forEach(([k, v]) => threshold.setAttribute(k, String(v)));
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.map((p) => `${x(p.position)},${y(p.deepfake)}`).join(' '));
    timeline.append(threshold, line);
    for (const point of points) {
      const dot = document.createElementNS(SVG, 'circle');
      const label = `${(point.position / 1000).toFixed(1)} s: ${point.faces.length ? `${Math.round(point.deepfake * 100)}%` : 'no face'}`;
      Object.entries({ cx: x(point.position), cy: y(point.deepfake), r: 7, tabindex: 0, role: 'button', 'aria-label': `Seek to ${label}` }).forEach(([k, v]) =>
        dot.setAttribute(k, String(v)),
      );
      dot.classList.toggle('fake', point.deepfake >= 0.5);
      dot.classList.toggle('empty', point.faces.length === 0);
      const title = document.createElementNS(SVG, 'title');
      title.textContent = label;
      dot.append(title);
      const seek = () => {
        video.currentTime = point.position / 1000;
      };
      dot.addEventListener('click', seek);
      dot.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          seek();
        }
      });
      timeline.append(dot);
    }
  }

  video.addEventListener('seeked', drawCurrentFaces);
  video.addEventListener('timeupdate', drawCurrentFaces);
  video.addEventListener('loadeddata', drawCurrentFaces);
  new ResizeObserver(drawCurrentFaces).observe(video);

  return {
    show(file) {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = typeof file === 'string' ? null : URL.createObjectURL(file);
      video.src = typeof file === 'string' ? file : objectUrl!;
      points = [];
      timeline.replaceChildren();
      bar.value = 0;
      progressText.textContent = 'Opening the video…';
      root.hidden = false;
    },
    progress({ done, total, remainingMs, frame }) {
      bar.max = total;
      bar.value = done;
      progressText.textContent = `Frame ${done} of ${total}, about ${Math.ceil(remainingMs / 1000)} s left`;
      points.push(frame);
      drawTimeline(Number.isFinite(video.duration) ? video.duration * 1000 : frame.position);
    },
    finish(response) {
      if (response.status === 'failure') {
        progressText.textContent = '';
        return;
      }
      points = response.data.frames.map((frame) => ({ position: frame.info.position, deepfake: frame.type.deepfake, faces: frame.faces }));
      drawTimeline(response.video.duration);
      drawCurrentFaces();
      progressText.textContent = `${response.data.frames.length} frames analysed, one every ${(response.video.interval / 1000).toFixed(1)} s.`;
    },
    hide() {
      root.hidden = true;
      video.removeAttribute('src');
      video.load();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = null;
    },
  };
}
