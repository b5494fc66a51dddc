/**
 * The library build (`npm run build:lib` → dist-lib/): ES modules for other
 * pages — `deepfake-check.js` exports createDetector and its types,
 * `widget.js` defines <deepfake-check> — with every runtime file in
 * dist-lib/assets/. Not Vite's library mode, which would inline the wasm and
 * models as base64: assets stay files, found relative to the script
 * (`base: './'`) or under the `assetBaseUrl` a page passes.
 */
import { defineConfig } from 'vite';
import { faceDetectorAssetsPlugin } from './build/face-detector-assets';

export default defineConfig({
  base: './',
  publicDir: false,
  plugins: [faceDetectorAssetsPlugin()],
  worker: { format: 'es' },
  build: {
    outDir: 'dist-lib',
    target: 'es2022',
    assetsInlineLimit: 0,
    rollupOptions: {
      input: { 'deepfake-check': 'src/index.ts', widget: 'src/widget/element.ts' },
      preserveEntrySignatures: 'exports-only',
      output: { entryFileNames: '[name].js' },
    },
  },
});
