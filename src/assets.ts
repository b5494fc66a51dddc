/**
 * Where the runtime files (wasm, face detector, model) are loaded from. By
 * default they sit in the build's `assets/` folder next to the script; a page
 * that hosts them elsewhere (another folder, a CDN that sends CORS headers)
 * passes `assetBaseUrl`, the URL of the folder that holds `assets/`.
 */
export function rebaseAsset(url: string, assetBaseUrl: string | undefined): string {
  if (!assetBaseUrl) return url;
  const at = url.lastIndexOf('/assets/');
  if (at < 0) return url;
  const base = assetBaseUrl.endsWith('/') ? assetBaseUrl : `${assetBaseUrl}/`;
  return new URL(url.slice(at + 1), new URL(base, globalThis.location?.href)).href;
}
