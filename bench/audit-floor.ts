/**
 * The floor of the usage benchmark: read an audit log of JSON lines and JSON.parse every line, nothing
 * else (the least any tool that reads the log must do). Reads the file in 1 MiB chunks as usage does,
 * splitting lines with indexOf, so the ratio measures what usage does beyond reading and parsing.
 *
 *   node dist/bench/audit-floor.js FILE    prints "audit-floor: N lines parsed, M ms"
 */
import { createReadStream } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: audit-floor.js FILE');
  process.exit(2);
}
const started = process.hrtime.bigint();
let lines = 0;
let sink = 0;
let carry = '';
const stream = createReadStream(file, { highWaterMark: 1 << 20 });
stream.setEncoding('utf8');
for await (const chunk of stream) {
  const text = carry + (chunk as string);
  let from = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
    if (nl > from) {
      const value = JSON.parse(text.slice(from, nl)) as { stage?: string };
      if (value.stage === 'ResponseComplete') sink++;
      lines++;
    }
    from = nl + 1;
  }
  carry = text.slice(from);
}
if (carry.length > 0) {
  JSON.parse(carry);
  lines++;
}
console.log(`audit-floor: ${lines} lines parsed, ${Math.round(Number(process.hrtime.bigint() - started) / 1e6)} ms (${sink} ResponseComplete)`);
