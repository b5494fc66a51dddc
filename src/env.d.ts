/// <reference types="vite/client" />
declare module 'virtual:face-detector-assets' {
  /** URLs on the app's own origin of what tasks-vision's FaceDetector loads. */
  const assets: { modelAssetPath: string; wasmLoaderPath: string; wasmBinaryPath: string };
  export default assets;
}
