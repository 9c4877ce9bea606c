// Preloaded by the benchmark (node --require): writes the process's peak resident memory in KB
// to BENCH_PEAK_RSS_FILE when it exits.

const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
}
