/**
 * Vite plugin: `import assets from 'virtual:face-detector-assets'` yields the
 * URLs of everything tasks-vision's FaceDetector loads, all served from the
 * app's own origin (dev middleware under `vite`, emitted assets under
 * `vite build`):
 *  - MediaPipe's short-range BlazeFace model, with the input metadata that
 *    tasks-vision requires added at build time;
 *  - tasks-vision's wasm loader and binary, which its package exports hide.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { withInputMetadata } from '../src/faces/tflite/input-metadata';

const VIRTUAL_ID = 'virtual:face-detector-assets';
const RESOLVED_ID = '\0' + VIRTUAL_ID;
const DEV_PREFIX = '/@face-detector/';

/** BlazeFace short-range takes 128x128 RGB scaled to [-1, 1]. */
const BLAZEFACE_INPUT = { mean: [127.5], std: [127.5], colorSpace: 'RGB', width: 128, height: 128 } as const;

interface Asset {
  key: 'modelAssetPath' | 'wasmLoaderPath' | 'wasmBinaryPath';
  fileName: string;
  contentType: string;
  read(): Uint8Array;
}

function assets(): Asset[] {
  const require = createRequire(import.meta.url);
  const wasmDir = join(dirname(require.resolve('@mediapipe/tasks-vision')), 'wasm');
  const file = (path: string) => new Uint8Array(readFileSync(path));
  return [
    {
      key: 'modelAssetPath',
      fileName: 'face_detection_short_range.tflite',
      contentType: 'application/octet-stream',
      read: () =>
        withInputMetadata(file(require.resolve('@mediapipe/face_detection/face_detection_short_range.tflite')), {
          ...BLAZEFACE_INPUT,
          mean: [...BLAZEFACE_INPUT.mean],
          std: [...BLAZEFACE_INPUT.std],
        }),
    },
    { key: 'wasmLoaderPath', fileName: 'vision_wasm_internal.js', contentType: 'text/javascript', read: () => file(join(wasmDir, 'vision_wasm_internal.js')) },
    { key: 'wasmBinaryPath', fileName: 'vision_wasm_internal.wasm', contentType: 'application/wasm', read: () => file(join(wasmDir, 'vision_wasm_internal.wasm')) },
  ];
}

export function faceDetectorAssetsPlugin(): Plugin {
  const list = assets();
  const cache = new Map<string, Uint8Array>();
  const bytes = (asset: Asset) => cache.get(asset.fileName) ?? cache.set(asset.fileName, asset.read()).get(asset.fileName)!;
  let serving = false;
  return {
    name: 'deepfake-check:face-detector-assets',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_ID) return null;
      const entries = list.map((asset) => {
        if (serving) return `${asset.key}: ${JSON.stringify(DEV_PREFIX + asset.fileName)}`;
        const ref = this.emitFile({ type: 'asset', name: asset.fileName, source: bytes(asset) });
        return `${asset.key}: import.meta.ROLLUP_FILE_URL_${ref}`;
      });
      return `export default { ${entries.join(', ')} };`;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const asset = list.find((candidate) => req.url?.split('?')[0] === DEV_PREFIX + candidate.fileName);
        if (!asset) return next();
        res.setHeader('Content-Type', asset.contentType);
        res.end(bytes(asset));
      });
    },
  };
}
