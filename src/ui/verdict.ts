import type { CheckResponse, FaceResult } from '../respond/types';

export type VerdictTone = 'fake' | 'real' | 'neutral' | 'error';

const percent = (score: number) => `${Math.round(score * 100)}%`;
/** Faces too small or mostly outside the picture are not judged (src/faces/select.ts): say so where none is. */
const notJudged = 'faces too small or mostly outside the picture are not judged';
const uncertainNote = (faces: FaceResult[]) =>
  faces.some((face) => face.uncertain?.length) ? ' Some faces are small, blurred, smoothed (as by a beauty filter) or cut off by the edge, so trust this less.' : '';

/** The response in one plain sentence for people, not programs. */
export function verdict(response: CheckResponse): { text: string; tone: VerdictTone } {
  if (response.status === 'failure') return { text: response.error.message, tone: 'error' };
  if ('summary' in response) {
    const frames = response.data.frames;
    const withFaces = frames.filter((frame) => frame.faces.length > 0).length;
    if (withFaces === 0) return { text: `No face to judge in ${frames.length} sampled frames (${notJudged}), so there is nothing to call a deepfake.`, tone: 'neutral' };
    const score = response.summary.deepfake;
    const basis = `(${percent(score)} over ${withFaces} frame${withFaces === 1 ? '' : 's'} with faces)`;
    const uncertain = uncertainNote(frames.flatMap((frame) => frame.faces));
    if (score >= 0.5) return { text: `Likely manipulated: faces in this video look swapped ${basis}.${uncertain}`, tone: 'fake' };
    return { text: `No sign of a face swap in this video ${basis}.${uncertain}`, tone: 'real' };
  }
  const { faces } = response;
  if (faces.length === 0) return { text: `No face to judge (${notJudged}), so there is nothing to call a deepfake.`, tone: 'neutral' };
  const score = response.type.deepfake;
  const uncertain = uncertainNote(faces);
  if (score >= 0.5) return { text: `Likely manipulated: a face scores ${percent(score)}.${uncertain}`, tone: 'fake' };
  return { text: `No sign of a face swap (highest face score ${percent(score)}).${uncertain}`, tone: 'real' };
}
