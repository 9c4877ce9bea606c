// Preloaded by the benchmark (node --require): writes the process's peak resident memory in KB
// to BENCH_PEAK_RSS_FILE when it exits. On Linux it is VmHWM, the peak of this program's own
// memory: getrusage's maxRSS (process.resourceUsage) also counts the parent's memory that the
// child shared between fork and exec, so a child of a big parent (the bench itself, holding a
// million-row export) would report the parent's size.

const { readFileSync, writeFileSync } = require('node:fs');

const file = process.env.BENCH_PEAK_RSS_FILE;

function peakKb() {
  try {
    const line = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (line) return Number(line[1]);
  } catch {
    // not Linux: getrusage's figure
  }
  return process.resourceUsage().maxRSS;
}

if (file) {
  process.on('exit', () => writeFileSync(file, String(peakKb())));
}
