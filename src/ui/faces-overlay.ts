/** Face boxes and their scores, drawn over an image or a video frame of the given display size. */
import type { FaceResult } from '../respond/types';

export function drawFaces(context: CanvasRenderingContext2D, faces: readonly FaceResult[], width: number, height: number): void {
  context.lineWidth = Math.max(2, width / 300);
  context.font = `${Math.max(12, width / 40)}px system-ui`;
  for (const face of faces) {
    const color = face.deepfake >= 0.5 ? '#dc2626' : '#16a34a';
    const [x, y] = [face.x1 * width, face.y1 * height];
    context.strokeStyle = color;
    context.strokeRect(x, y, (face.x2 - face.x1) * width, (face.y2 - face.y1) * height);
    context.fillStyle = color;
    context.fillText(`${Math.round(face.deepfake * 100)}%${face.uncertain ? ' ?' : ''}`, x + 4, Math.max(14, y - 6));
  }
}

export function describeFaces(faces: readonly FaceResult[]): string {
  if (faces.length === 0) return 'No face found.';
  return faces
    .map((face, i) => `Face ${i + 1}: ${Math.round(face.deepfake * 100)}%${face.uncertain ? ` (uncertain: ${face.uncertain.join(', ')})` : ''}`)
    .join(' · ');
}
