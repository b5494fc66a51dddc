/** decode, for URLs: the browser fetches the media itself; CORS and HTTP errors become media errors. */
import { DetectorError } from '../respond/errors';
import { DEFAULT_LIMITS, type MediaLimits } from './limits';

export function parseMediaUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url, location.href);
  } catch {
    throw new DetectorError('invalid_url', `Got "${url.slice(0, 200)}".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new DetectorError('invalid_url', `Got a ${parsed.protocol} URL.`);
  return parsed;
}

export async function fetchMedia(url: URL, limits: MediaLimits = DEFAULT_LIMITS, signal?: AbortSignal): Promise<Blob> {
  let response: Response;
  try {
    // No cookies or credentials: the check must not act on the user's behalf elsewhere.
    response = await fetch(url, { mode: 'cors', credentials: 'omit', referrerPolicy: 'no-referrer', signal });
  } catch (error) {
    throw new DetectorError('url_unreachable', `(${url.origin})`, { cause: error });
  }
  if (!response.ok) throw new DetectorError('url_http_error', `HTTP ${response.status} for ${url.href}.`);
  const declared = Number(response.headers.get('Content-Length') ?? 0);
  if (declared > limits.maxFileBytes) throw new DetectorError('file_too_large', `The server announces ${declared} bytes.`);
  return response.blob();
}
