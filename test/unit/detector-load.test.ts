import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DetectorError } from '../../src/respond/errors';

/**
 * createDetector when one stage fails to load: the detector still answers every
 * check with that stage's error, and the stage that did load is closed, since
 * nothing else could reach it to free it.
 */
const faceFinder = { detect: vi.fn(() => []), close: vi.fn() };
const classifier = { backend: 'wasm', threads: 1, loadMs: 1, classify: vi.fn(), close: vi.fn() };
const outcome = { faces: true, classifier: true };

vi.mock('../../src/faces/detector', () => ({
  createFaceFinder: async () => {
    if (!outcome.faces) throw new DetectorError('model_unavailable', '(face detector)');
    return faceFinder;
  },
}));
vi.mock('../../src/classify/classifier', () => ({
  createClassifier: async () => {
    if (!outcome.classifier) throw new DetectorError('model_integrity', 'Expected SHA-256 a, got b.');
    return classifier;
  },
}));

const { createDetector } = await import('../../src/detector');
const photo = () => ({ media: new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }) });

describe('createDetector with a stage that fails to load', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    outcome.faces = true;
    outcome.classifier = true;
  });

  it('closes the face detector when the classifier fails, and answers checks with the classifier\'s error', async () => {
    outcome.classifier = false;
    const detector = await createDetector({ warmUp: false });
    expect(faceFinder.close).toHaveBeenCalledTimes(1);
    const response = await detector.check(photo());
    expect(response.status).toBe('failure');
    expect(response.status === 'failure' && response.error.message).toMatch(/SHA-256/);
  });

  it('closes the classifier when the face detector fails', async () => {
    outcome.faces = false;
    const detector = await createDetector({ warmUp: false });
    expect(classifier.close).toHaveBeenCalledTimes(1);
    const response = await detector.check(photo());
    expect(response.status === 'failure' && response.error.message).toMatch(/face detector/);
  });

  it('closes nothing while both stages load', async () => {
    const detector = await createDetector({ warmUp: false });
    expect(faceFinder.close).not.toHaveBeenCalled();
    expect(classifier.close).not.toHaveBeenCalled();
    detector.close();
    expect(faceFinder.close).toHaveBeenCalledTimes(1);
    expect(classifier.close).toHaveBeenCalledTimes(1);
  });
});
