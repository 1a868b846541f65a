import { describe, expect, it } from 'vitest';
import { backoffMs, SseParser } from './sse';

const change = (seq: number) => `event: change\nid: ${seq}\ndata: {"seq":${seq}}\n\n`;

describe('SseParser', () => {
  it('parses events with event, id and data', () => {
    const p = new SseParser();
    expect(p.push(change(12))).toEqual([{ event: 'change', id: '12', data: '{"seq":12}' }]);
    expect(p.lastEventId).toBe('12');
  });

  it('gives the same events whatever the chunking', () => {
    const text = `: ping\n\n${change(1)}${change(2)}event: reset\ndata: {"oldest":5}\n\n`;
    const whole = new SseParser().push(text);
    expect(whole.map((e) => e.event)).toEqual(['change', 'change', 'reset']);
    for (let size = 1; size < 9; size++) {
      const p = new SseParser();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...p.push(text.slice(i, i + size)));
      expect(got).toEqual(whole);
    }
  });

  it('accepts CRLF and CR line ends, even a CRLF split between chunks', () => {
    const p = new SseParser();
    const got = [...p.push('event: change\r'), ...p.push('\nid: 3\r\ndata: x\r'), ...p.push('\r')];
    expect(got).toEqual([{ event: 'change', id: '3', data: 'x' }]);
    expect(new SseParser().push('data: a\rdata: b\r\r')).toEqual([{ event: 'message', id: null, data: 'a\nb' }]);
  });

  it('ignores comments (heartbeats), unknown fields and events without data', () => {
    const p = new SseParser();
    expect(p.push(': ping\n\nretry: 100\nfoo: bar\n\nevent: change\n\n')).toEqual([]);
    expect(p.push('data\n\n')).toEqual([{ event: 'message', id: null, data: '' }]);
  });

  it('keeps only the one leading space of a value and joins data lines', () => {
    expect(new SseParser().push('data:  two\ndata:none\n\n')).toEqual([{ event: 'message', id: null, data: ' two\nnone' }]);
  });

  it('keeps the last id across events and an incomplete event waits for its blank line', () => {
    const p = new SseParser();
    expect(p.push('id: 7\ndata: a\n\ndata: b\n')).toHaveLength(1);
    expect(p.lastEventId).toBe('7');
    expect(p.push('\n')).toEqual([{ event: 'message', id: null, data: 'b' }]);
    expect(p.lastEventId).toBe('7');
  });
});

describe('backoffMs', () => {
  it('doubles from one second up to thirty, with jitter below', () => {
    expect(backoffMs(0, () => 0)).toBe(1000);
    expect(backoffMs(1, () => 0)).toBe(2000);
    expect(backoffMs(4, () => 0)).toBe(16000);
    expect(backoffMs(10, () => 0)).toBe(30000);
    expect(backoffMs(0, () => 1)).toBe(800);
  });
});
