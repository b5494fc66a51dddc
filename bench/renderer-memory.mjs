/** Readings of Chromium's renderer processes' memory from /proc, for the benchmarks. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Memory of Chromium's renderer processes (the page, its workers and their
 * wasm heaps, without the browser and GPU processes), summed. Left out is the
 * renderer of Chromium's own interface (`--top-chrome-webui`, present before
 * any page opens; its size is reported apart); the profile's
 * blank first tab has a renderer of its own, which the callers close before
 * the app opens. What stays
 * beside the app is Chromium's spare renderer (about 6 MiB). `rss` counts
 * every resident page, the code Chromium shares with its other processes
 * included, once per process; `private` counts only the pages no other
 * process maps (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup),
 * which is what the page costs the machine.
 */
export function rendererMemory() {
  const memory = { rss: 0, private: 0 };
  for (const { line, pid } of rendererProcesses()) {
    if (line.includes('--top-chrome-webui')) continue;
    memory.rss += Number(line.trim().split(/\s+/)[1]) * 1024;
    memory.private += privateBytes(pid);
  }
  return memory;
}

/** Private memory of the renderer of Chromium's own interface, which rendererMemory leaves out: reported, so that what is left out is seen. */
export function interfaceRendererPrivate() {
  return rendererProcesses()
    .filter(({ line }) => line.includes('--top-chrome-webui'))
    .reduce((sum, { pid }) => sum + privateBytes(pid), 0);
}

/** The process ids of the renderers rendererMemory counts. */
export function rendererPids() {
  return rendererProcesses().filter(({ line }) => !line.includes('--top-chrome-webui')).map(({ pid }) => pid);
}

function rendererProcesses() {
  try {
    return execFileSync('ps', ['-C', 'chromium', '-o', 'pid=,rss=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('--type=renderer'))
      .map((line) => ({ line, pid: line.trim().split(/\s+/)[0] }));
  } catch {
    return [];
  }
}

function privateBytes(pid) {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return ['Private_Clean', 'Private_Dirty'].reduce((sum, field) => sum + Number(rollup.match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'))?.[1] ?? 0) * 1024, 0);
  } catch {
    return 0; // the process ended between ps and the read
  }
}

export const maxMemory = (a, b) => ({ rss: Math.max(a.rss, b.rss), private: Math.max(a.private, b.private) });
