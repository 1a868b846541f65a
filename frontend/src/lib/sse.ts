// A small Server-Sent Events parser (the WHATWG "event stream" format), fed chunk by chunk from a
// fetch() body: EventSource cannot send an Authorization header, and a token never goes in a URL.

export interface SseEvent {
  /** `event:` field; "message" when absent. */
  event: string;
  data: string;
  /** `id:` field of this event, or null when it had none. */
  id: string | null;
}

/**
 * Feeds text in any chunking (a line or an event may be split anywhere, CR, LF and CRLF all end a
 * line) and returns the events completed so far. Comments (`: ping`) and unknown fields are
 * ignored, an event without data is not dispatched, and `lastEventId` remembers the last id seen
 * (what a reconnection sends as Last-Event-ID).
 */
export class SseParser {
  private buf = '';
  private data: string[] = [];
  private event = '';
  private id: string | null = null;
  private sawCr = false;
  lastEventId: string | null = null;

  push(chunk: string): SseEvent[] {
    const out: SseEvent[] = [];
    let text = chunk;
    // A CRLF split across two chunks: the LF belongs to the line the CR ended.
    if (this.sawCr && text.startsWith('\n')) text = text.slice(1);
    this.sawCr = false;
    this.buf += text;
    let start = 0;
    for (let i = 0; i < this.buf.length; i++) {
      const c = this.buf[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buf.slice(start, i), out);
      if (c === '\r') {
        if (i + 1 === this.buf.length) this.sawCr = true;
        else if (this.buf[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.buf = this.buf.slice(start);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
      this.data = [];
      this.event = '';
      this.id = null;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) {
      this.id = value;
      this.lastEventId = value;
    }
  }
}

/** Reconnection delay: 1 s, 2 s, 4 s … capped at 30 s, with up to 20% jitter so tabs do not stampede. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (1 - 0.2 * random()));
}
