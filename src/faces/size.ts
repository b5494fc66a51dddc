/** `width` x `height` scaled down, aspect kept, so that its longest side is at most `maxSide` (never scaled up). */
export function sizeWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.max(1, Math.max(width, height) / maxSide);
  return { width: Math.max(1, Math.round(width / scale)), height: Math.max(1, Math.round(height / scale)) };
}
