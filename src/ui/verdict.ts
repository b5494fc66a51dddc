import type { CheckResponse, FaceResult, Uncertainty } from '../respond/types';

export type VerdictTone = 'fake' | 'real' | 'neutral' | 'error';

const percent = (score: number) => `${Math.round(score * 100)}%`;
/** Faces too small or mostly outside the picture are not judged (src/faces/select.ts): say so where none is. */
const notJudged = 'faces too small or mostly outside the picture are not judged';
/** Each mark in a reader's words, in the order a note lists them. */
const MARK_WORDS: Record<Uncertainty, string> = {
  small: 'small',
  blurry: 'blurred',
  // The model's worst false alarms are real faces smoothed so (README, "smoothed"): say why it matters.
  smoothed: 'smoothed as by a beauty filter, which this model often takes for a swap',
  cut: 'cut off by the edge',
};

/** Names the marks the faces carry, so a reader knows what to distrust; empty where none is marked. */
export function uncertainNote(faces: FaceResult[]): string {
  const marked = faces.filter((face) => face.uncertain?.length);
  if (marked.length === 0) return '';
  const marks = (Object.keys(MARK_WORDS) as Uncertainty[]).filter((mark) => marked.some((face) => face.uncertain!.includes(mark)));
  const words = marks.map((mark) => MARK_WORDS[mark]);
  const one = marked.length === 1;
  const listed = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} ${one ? 'and' : 'or'} ${words.at(-1)}`;
  return ` ${one ? 'A face is' : 'Some faces are'} ${listed}, so trust this less.`;
}

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
