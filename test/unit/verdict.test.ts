import { describe, expect, it } from 'vitest';
import type { FaceResult, ImageSuccess, Uncertainty } from '../../src/respond/types';
import { uncertainNote, verdict } from '../../src/ui/verdict';

const face = (deepfake: number, uncertain?: Uncertainty[]): FaceResult => ({ x1: 0.1, y1: 0.1, x2: 0.4, y2: 0.4, deepfake, ...(uncertain ? { uncertain } : {}) });

function image(faces: FaceResult[]): ImageSuccess {
  return {
    status: 'success',
    request: { id: 'req_test', timestamp: 0, operations: 1 },
    type: { deepfake: Math.max(0, ...faces.map((f) => f.deepfake)) },
    media: { id: 'med_test', uri: 'photo.jpg' },
    faces,
    model: { name: 'deepfake', version: 'test', backend: 'wasm' },
    timings: { decode: 0, detect: 0, crop: 0, classify: 0, inference: 0, total: 0 },
  };
}

describe('the verdict\'s note on uncertain faces', () => {
  it('says nothing where no face is marked', () => {
    expect(uncertainNote([face(0.1), face(0.2)])).toBe('');
    expect(verdict(image([face(0.1)])).text).toBe('No sign of a face swap (highest face score 10%).');
  });

  it('names a smoothed face and why it matters, on a high score', () => {
    const { text, tone } = verdict(image([face(0.7, ['smoothed'])]));
    expect(tone).toBe('fake');
    expect(text).toBe('Likely manipulated: a face scores 70%. A face is smoothed as by a beauty filter, which this model often takes for a swap, so trust this less.');
  });

  it('lists only the marks present, once each, in a fixed order, for several faces', () => {
    expect(uncertainNote([face(0.2, ['cut']), face(0.1, ['small', 'blurry']), face(0.3, ['cut'])])).toBe(
      ' Some faces are small, blurred or cut off by the edge, so trust this less.',
    );
    expect(uncertainNote([face(0.2, ['blurry']), face(0.1)])).toBe(' A face is blurred, so trust this less.');
    expect(uncertainNote([face(0.2, ['small', 'cut'])])).toBe(' A face is small and cut off by the edge, so trust this less.');
  });
});
