import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { checkFile, openApp, waitUntilReady } from './app.mjs';

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

/**
 * No machine here has a GPU, but Chromium with `--enable-unsafe-webgpu` offers SwiftShader's software adapter,
 * which `?webgpu=any` lets the classifier take: the same onnxruntime-web WebGPU kernels a hardware GPU gets run
 * the shipped model, so a graph they cannot run (as until 2026-12-06) or score differently fails here.
 */
describe('the shipped model on the WebGPU backend', () => {
  let gpu;
  let wasm;
  before(async () => {
    gpu = await openApp({ path: '/?webgpu=any', browserArgs: ['--enable-unsafe-webgpu'] });
    wasm = await openApp({ path: '/?webgpu=0' });
    await Promise.all([waitUntilReady(gpu.page), waitUntilReady(wasm.page)]);
  });
  after(async () => {
    await gpu?.close();
    await wasm?.close();
  });

  it('loads, and keeps WebGPU after its first run, instead of falling back to WASM', async () => {
    assert.equal(await gpu.page.evaluate(() => window.deepfakeDetector.model.backend), 'webgpu');
    assert.match(await gpu.page.textContent('#engine'), / on WEBGPU /);
    assert.deepEqual(gpu.problems.filter((problem) => !problem.includes('VerifyEachNodeIsAssignedToAnEp')), []);
  });

  // The portrait's face scores under the cut (one view), the self-blended one from it up (both views).
  for (const name of ['astronaut.jpg', 'astronaut-sbi.jpg']) {
    it(`scores ${name}'s face as the WASM backend does`, async () => {
      const [onGpu, onWasm] = await Promise.all([gpu, wasm].map((app) => checkFile(app.page, fixture(name), name, 'image/jpeg')));
      assert.equal(onGpu.status, 'success', JSON.stringify(onGpu));
      assert.equal(onWasm.status, 'success', JSON.stringify(onWasm));
      assert.equal(onGpu.model.backend, 'webgpu');
      assert.equal(onGpu.faces.length, 1);
      assert.ok(Math.abs(onGpu.faces[0].deepfake - onWasm.faces[0].deepfake) <= 0.001, `${onGpu.faces[0].deepfake} on WebGPU, ${onWasm.faces[0].deepfake} on WASM`);
    });
  }
});
