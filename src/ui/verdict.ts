import type { CheckResponse } from '../respond/types';

export type VerdictTone = 'fake' | 'real' | 'neutral' | 'error';

/** The response in one plain sentence for people, not programs. */
export function verdict(response: CheckResponse): { text: string; tone: VerdictTone } {
  if (response.status === 'failure') return { text: response.error.message, tone: 'error' };
  const { faces } = response;
  if (faces.length === 0) return { text: 'No face found, so there is nothing to call a deepfake.', tone: 'neutral' };
  const score = response.type.deepfake;
  const percent = `${Math.round(score * 100)}%`;
  const uncertain = faces.some((face) => face.uncertain?.length) ? ' Some faces are small or blurred, so trust this less.' : '';
  if (score >= 0.5) return { text: `Likely manipulated: a face scores ${percent}.${uncertain}`, tone: 'fake' };
  return { text: `No sign of a face swap (highest face score ${percent}).${uncertain}`, tone: 'real' };
}
