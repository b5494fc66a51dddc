import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as flatbuffers from 'flatbuffers';
import { Model } from '../../src/faces/tflite/generated/schema_generated';
import { type InputMetadata, readInputMetadata, TfliteFormatError, withInputMetadata } from '../../src/faces/tflite/input-metadata';

const require = createRequire(import.meta.url);
const original = new Uint8Array(readFileSync(require.resolve('@mediapipe/face_detection/face_detection_short_range.tflite')));
const input: InputMetadata = { mean: [127.5], std: [127.5], colorSpace: 'RGB', width: 128, height: 128 };

function model(bytes: Uint8Array): Model {
  return Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes));
}

describe('TFLite input metadata', () => {
  it('the shipped BlazeFace model has none, which is why tasks-vision refuses it', () => {
    expect(readInputMetadata(original)).toBeNull();
  });

  it('writes normalisation and colour space that read back', () => {
    const patched = withInputMetadata(original, input);
    expect(readInputMetadata(patched)).toEqual(input);
    expect(new TextDecoder().decode(patched.subarray(4, 8))).toBe('TFL3');
  });

  it('keeps every original buffer byte-for-byte, at its original alignment', () => {
    const before = model(original);
    const after = model(withInputMetadata(original, input));
    expect(after.buffersLength()).toBe(before.buffersLength() + 1);
    expect(after.subgraphsLength()).toBe(before.subgraphsLength());
    expect(after.operatorCodesLength()).toBe(before.operatorCodesLength());
    expect(after.version()).toBe(before.version());
    for (let i = 0; i < before.buffersLength(); i++) {
      const data = after.buffers(i)!.dataArray();
      const originalData = before.buffers(i)!.dataArray();
      expect(data).toEqual(originalData);
      if (data && originalData) expect(data.byteOffset % 64).toBe(originalData.byteOffset % 64);
    }
  });

  it('replaces earlier metadata instead of stacking a second entry', () => {
    const twice = withInputMetadata(withInputMetadata(original, input), { ...input, mean: [0], std: [255] });
    const names = Array.from({ length: model(twice).metadataLength() }, (_, i) => model(twice).metadata(i)!.name());
    expect(names.filter((name) => name === 'TFLITE_METADATA')).toHaveLength(1);
    expect(readInputMetadata(twice)?.std).toEqual([255]);
  });

  it('rejects bytes that are not a TFLite model', () => {
    expect(() => withInputMetadata(new Uint8Array(64), input)).toThrow(TfliteFormatError);
  });
});
