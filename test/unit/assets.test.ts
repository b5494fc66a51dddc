import { describe, expect, it } from 'vitest';
import { rebaseAsset } from '../../src/assets';

describe('rebaseAsset', () => {
  it('keeps the default location without a base', () => {
    expect(rebaseAsset('/assets/model-abc.onnx', undefined)).toBe('/assets/model-abc.onnx');
  });

  it('moves an asset of the app or library build under the given folder', () => {
    expect(rebaseAsset('/assets/model-abc.onnx', 'https://cdn.example/dfc/')).toBe('https://cdn.example/dfc/assets/model-abc.onnx');
    expect(rebaseAsset('https://site.example/lib/assets/x.wasm', 'https://cdn.example/dfc')).toBe('https://cdn.example/dfc/assets/x.wasm');
  });

  it('leaves URLs outside an assets folder alone (a caller\'s own model)', () => {
    expect(rebaseAsset('blob:https://site.example/123', 'https://cdn.example/')).toBe('blob:https://site.example/123');
  });
});
