/**
 * Sizes in messages people read: `300.0 KiB (307,200 bytes)` — readable, and exact for whoever has
 * to trim a field to fit. Sizes carry no personal data, so they are safe in errors and DLQ attributes.
 */
export function formatBytes(bytes: number): string {
  const exact = `${bytes.toLocaleString("en-US")} bytes`;
  if (bytes < 1024) return exact;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB (${exact})`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB (${exact})`;
}
