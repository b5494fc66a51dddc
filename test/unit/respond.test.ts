import { describe, expect, it } from 'vitest';
import { DetectorError, ERRORS, toDetectorError } from '../../src/respond/errors';
import { failure, imageSuccess, mediaUri, randomId, requestInfo, videoSuccess } from '../../src/respond/response';

describe('ids and request info', () => {
  it('makes unique, prefixed, URL-safe ids', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => randomId('req')));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^req_[A-Za-z0-9]{20}$/);
    expect(randomId('med')).toMatch(/^med_/);
  });

  it('stamps seconds since the epoch as a float', () => {
    expect(requestInfo(1, 1732500000123)).toMatchObject({ timestamp: 1732500000.123, operations: 1 });
  });

  it('never reports blob: or data: URLs as the media uri', () => {
    expect(mediaUri('blob:https://x/123')).toBeNull();
    expect(mediaUri('DATA:image/png;base64,AAAA')).toBeNull();
    expect(mediaUri('photo.jpg')).toBe('photo.jpg');
    expect(mediaUri('https://example.com/a.jpg')).toBe('https://example.com/a.jpg');
    expect(mediaUri(undefined)).toBeNull();
  });
});

describe('responses', () => {
  it('builds the success object of the contract', () => {
    const response = imageSuccess({
      deepfake: 0.93,
      faces: [{ x1: 0.31, y1: 0.18, x2: 0.62, y2: 0.66, deepfake: 0.93 }],
      uri: 'photo.jpg',
      model: { name: 'deepfake', version: 'v', backend: 'wasm' },
      timings: { decode: 41.535000000149, detect: 2, crop: 3.04, classify: 4.96, inference: 4.04, total: 51.535000000149 },
    });
    expect(response).toMatchObject({ status: 'success', request: { operations: 1 }, type: { deepfake: 0.93 }, media: { uri: 'photo.jpg' } });
    expect(response.timings).toEqual({ decode: 41.5, detect: 2, crop: 3, classify: 5, inference: 4, total: 51.5 });
    expect(JSON.parse(JSON.stringify(response))).toEqual(response);
  });

  it('builds the video object of the contract: one operation and one numbered frame id per analysed frame', () => {
    const response = videoSuccess({
      frames: [
        { position: 0, deepfake: 0.02, faces: [] },
        { position: 1000.4, deepfake: 0.87, faces: [{ x1: 0.1, y1: 0.1, x2: 0.5, y2: 0.5, deepfake: 0.87 }] },
      ],
      summary: 0.87,
      uri: 'clip.mp4',
      model: { name: 'deepfake', version: 'v', backend: 'wasm' },
      video: { duration: 2000, interval: 1000, decoder: 'webcodecs' },
      timings: { decode: 1, detect: 2, crop: 3, classify: 4, inference: 3, total: 10 },
    });
    expect(response).toMatchObject({ status: 'success', request: { operations: 2 }, summary: { deepfake: 0.87 }, media: { uri: 'clip.mp4' } });
    expect(response.data.frames.map((frame) => frame.info)).toEqual([
      { id: `${response.media.id}_1`, position: 0 },
      { id: `${response.media.id}_2`, position: 1000 },
    ]);
    expect(response.data.frames[1]!.type.deepfake).toBe(0.87);
  });

  it('builds failure objects with type, code and message, and no operations', () => {
    const response = failure(new DetectorError('unsupported_media'));
    expect(response).toMatchObject({
      status: 'failure',
      request: { operations: 0 },
      error: { type: 'media_error', code: 21, message: 'The file is not a supported image or video.' },
    });
  });
});

describe('errors', () => {
  it('has one stable, unique code per cause', () => {
    const codes = Object.values(ERRORS).map((error) => error.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(ERRORS.unsupported_media.code).toBe(21);
  });

  it('maps unexpected throwables to unknown_error and allocation failures to api_error', () => {
    expect(toDetectorError(new Error('boom'))).toMatchObject({ type: 'unknown_error', code: 40 });
    expect(toDetectorError('weird')).toMatchObject({ type: 'unknown_error' });
    expect(toDetectorError(new RangeError('Array buffer allocation failed'))).toMatchObject({ type: 'api_error', code: 33 });
    const original = new DetectorError('corrupt_media', 'detail');
    expect(toDetectorError(original)).toBe(original);
    expect(original.message).toBe(`${ERRORS.corrupt_media.message} detail`);
  });

  it('answers an aborted check as cancelled', () => {
    expect(toDetectorError(new DOMException('stop', 'AbortError'))).toMatchObject({ type: 'unknown_error', code: 41 });
  });
});
