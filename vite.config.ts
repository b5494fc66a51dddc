/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { faceDetectorAssetsPlugin } from './build/face-detector-assets';
import { serviceWorkerPlugin } from './build/service-worker';

/**
 * Cross-origin isolation lets onnxruntime-web use SharedArrayBuffer threads;
 * the CSP keeps every request on the page's own origin (tasks-vision would
 * otherwise try to send usage logs to a Google endpoint).
 */
export const SECURITY_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  plugins: [faceDetectorAssetsPlugin(), serviceWorkerPlugin()],
  server: { headers: SECURITY_HEADERS },
  preview: { headers: SECURITY_HEADERS },
  worker: { format: 'es' },
  build: { target: 'es2022', assetsInlineLimit: 0 },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  test: { include: ['test/unit/**/*.test.ts'] },
});
