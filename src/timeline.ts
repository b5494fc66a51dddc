/**
 * Load steps as User Timing measures named `deepfake-check: …`: they show in
 * the browser's performance panel beside the page's own, and `npm run bench`
 * prints them. Start and end are in the page's `performance.now()` time.
 */
export function measureSpan(name: string, start: number, end: number): void {
  try {
    performance.measure(`deepfake-check: ${name}`, { start, end });
  } catch {
    // A browser without measure options, or a clock that ran backwards: the timeline is only for people reading it.
  }
}
