// Opens N live-update streams on one list, writes one contact, and reports the time from the
// write's response to the last stream receiving its event (and the median), 5 rounds.
// Usage: node benches/sse_fanout.mjs URL TOKEN LIST N
const [url, token, list, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 500);
const auth = { authorization: `Bearer ${token}` };
const waiters = [];
const streams = [];
async function open() {
  const ctl = new AbortController();
  const r = await fetch(`${url}/api/v1/lists/${list}/events`, { headers: auth, signal: ctl.signal });
  if (r.status !== 200) throw new Error(`stream: ${r.status} ${await r.text()}`);
  const reader = r.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  const s = { ctl, got: new Map() };
  (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ done: true }));
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = block.split('\n').find((l) => l.startsWith('data:'));
        if (!data || !block.includes('event: change')) continue;
        const item = JSON.parse(data.slice(5));
        s.got.set(item.name, performance.now());
        for (const w of waiters) w();
      }
    }
  })();
  return s;
}
const t0 = performance.now();
for (let i = 0; i < n; i += 50) {
  streams.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, open))));
}
console.log(`  ${n} streams open in ${Math.round(performance.now() - t0)} ms`);
const results = [];
for (let round = 0; round < 5; round++) {
  const name = `Fanout ${round} ${Date.now()}`;
  const sent = performance.now();
  const r = await fetch(`${url}/api/v1/lists/${list}/contacts`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ full_name: name }),
  });
  if (r.status !== 201) throw new Error(`write: ${r.status}`);
  const answered = performance.now();
  await new Promise((resolve) => {
    const check = () => { if (streams.every((s) => s.got.has(name))) resolve(); };
    waiters.push(check);
    check();
  });
  const times = streams.map((s) => s.got.get(name) - answered).sort((a, b) => a - b);
  results.push({ write: answered - sent, median: times[Math.floor(n / 2)], last: times[n - 1] });
  await new Promise((res) => setTimeout(res, 200));
}
for (const [i, r] of results.entries()) {
  console.log(`  round ${i + 1}: write answered in ${r.write.toFixed(1)} ms; after it, median stream ${r.median.toFixed(1)} ms, last of ${n} ${r.last.toFixed(1)} ms`);
}
for (const s of streams) s.ctl.abort();
process.exit(0);
