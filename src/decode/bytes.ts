/** `length` bytes from `at` read as Latin-1 text: magic numbers, box types and brands. */
export const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));
