/** The bench's photos and video clip, made from the astronaut portrait with Debian's ffmpeg into bench/.cache. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

/**
 * Test images made from the astronaut portrait: [label, width, height, faces (1 or 4), and for a closer framing the
 * square of the portrait shown ({ x, y, side } in its pixels)].
 */
export const GENERATED_IMAGES = [
  // Her face's box spans x 176-276, y 75-175 of the 512 px portrait: a third of this square, as in a selfie. Seen at
  // 43 px of BlazeFace's 128, it is the bench's one face seen large enough to keep its own box (src/faces/refine.ts).
  ['0.6 MP selfie, 1 face a third of its side', 768, 768, 1, { x: 76, y: 0, side: 300 }],
  ['1 MP, 1 face', 1024, 1024, 1],
  ['1 MP, 4 faces', 1024, 1024, 4],
  ['12 MP, 1 face', 4000, 3000, 1],
  ['24 MP, 1 face', 6000, 4000, 1],
  ['4 MP panorama (4:1), 1 face', 4000, 1000, 1],
];

/**
 * One of GENERATED_IMAGES as a JPEG file: the portrait (or 2 x 2 of it) on grey, made once with ffmpeg (Debian's package;
 * null without it). Made outside the page, so that the page's memory is the app's own: drawn in the page, the 24 MP
 * canvas stayed in the renderer.
 */
export function testImage([label, width, height, faces, shown]) {
  const path = `bench/.cache/test-${width}x${height}-${faces}${shown ? `-${shown.x}-${shown.y}-${shown.side}` : ''}.jpg`;
  if (existsSync(path)) return readFileSync(path);
  mkdirSync('bench/.cache', { recursive: true });
  const tiles = faces === 4 ? 2 : 1;
  const side = Math.floor(Math.min(width, height) / tiles);
  const left = Math.floor((width - side * tiles) / 2);
  const copies = Array.from({ length: faces }, (_, i) => `[p${i}]`).join('');
  const crop = shown ? `crop=${shown.side}:${shown.side}:${shown.x}:${shown.y},` : '';
  let chain = `[1]${crop}scale=${side}:${side}${faces > 1 ? `,split=${faces}` : ''}${copies};[0]`;
  for (let i = 0; i < faces; i++) {
    chain += `[p${i}]overlay=${left + (i % tiles) * side}:${Math.floor(i / tiles) * side}${i < faces - 1 ? `[b${i}];[b${i}]` : ''}`;
  }
  try {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x808080:s=${width}x${height}`,
      '-i', 'test/fixtures/astronaut.jpg', '-filter_complex', chain, '-frames:v', '1', '-q:v', '2', path]);
    return readFileSync(path);
  } catch (error) {
    console.warn(`No ${label} photo: ffmpeg could not make it (${error.message.split('\n')[0]}).`);
    return null;
  }
}

/** A 1080p, 10 s H.264 clip of the portrait panning, made once with ffmpeg (Debian's package). */
export function videoClip() {
  const path = 'bench/.cache/astronaut-1080p.mp4';
  if (existsSync(path)) return path;
  mkdirSync('bench/.cache', { recursive: true });
  try {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-framerate', '30', '-t', '10', '-i', 'test/fixtures/astronaut.jpg',
      '-vf', "scale=2200:2200,crop=1920:1080:'140*t/10':'300+200*t/10',format=yuv420p", '-c:v', 'libx264', '-crf', '23', path]);
    return path;
  } catch (error) {
    console.warn(`No video benchmark: ffmpeg could not make the clip (${error.message.split('\n')[0]}).`);
    return null;
  }
}
