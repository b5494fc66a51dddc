import { describe, expect, it } from 'vitest';
import { detectionSize } from '../../src/decode/image';
import { DETECTION_MAX_LONG_SIDE, DETECTION_MAX_SIDE, PASS_MAX_SIDE } from '../../src/faces/constants';
import { sizeWithin } from '../../src/faces/size';

describe('the sizes face detection sees', () => {
  it('shrinks the longest side to the bound, keeping the aspect, and never enlarges', () => {
    expect(sizeWithin(4000, 3000, 1024)).toEqual({ width: 1024, height: 768 });
    expect(sizeWithin(3000, 4000, 256)).toEqual({ width: 192, height: 256 });
    expect(sizeWithin(200, 200, 256)).toEqual({ width: 200, height: 200 });
    expect(sizeWithin(5000, 3, 256)).toEqual({ width: 256, height: 1 });
  });

  it('shows each pass less than the detection copy, and leaves face chips of the training data as they are', () => {
    expect(detectionSize(4000, 3000)).toEqual({ width: DETECTION_MAX_SIDE, height: 768 });
    expect(PASS_MAX_SIDE).toBeLessThan(DETECTION_MAX_SIDE);
    // UTKFace's chips (200 px) and dfdc-dev's crops (under 256 px) are detected as they always were.
    expect(sizeWithin(200, 200, PASS_MAX_SIDE)).toEqual({ width: 200, height: 200 });
    expect(sizeWithin(255, 240, PASS_MAX_SIDE)).toEqual({ width: 255, height: 240 });
  });

  it('gives an elongated image a longer copy, so that its 2:1 panels are seen as a 2:1 image is', () => {
    expect(detectionSize(6000, 3000)).toEqual({ width: 1024, height: 512 });
    expect(detectionSize(1920, 1080)).toEqual({ width: 1024, height: 576 });
    expect(detectionSize(4000, 1000)).toEqual({ width: 2048, height: 512 });
    expect(detectionSize(1000, 8000)).toEqual({ width: 512, height: 4096 });
    expect(detectionSize(12000, 1000)).toEqual({ width: DETECTION_MAX_LONG_SIDE, height: 341 });
    expect(detectionSize(1500, 500)).toEqual({ width: 1500, height: 500 }); // never enlarged
  });
});
