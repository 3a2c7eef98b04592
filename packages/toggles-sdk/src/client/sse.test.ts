import { describe, expect, it } from 'vitest';
import { readEvents, type ServerSentEvent } from './sse.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readEvents(streamOf(chunks))) events.push(event);
  return events;
}

describe('readEvents', () => {
  it('parses events, ids, comments and multi-line data', async () => {
    expect(await collect([': keep-alive\n\nevent: unleash-connected\nid: 4\ndata: {"a":\ndata: 1}\n\n'])).toEqual([
      { event: 'unleash-connected', data: '{"a":\n1}', id: '4' },
    ]);
  });

  it('handles any line ending and chunks split anywhere, including inside CRLF and UTF-8', async () => {
    const text = 'event: x\r\ndata: ø€\r\n\r\ndata:no-space\rdata: two\r\r';
    const bytes = new TextEncoder().encode(text);
    const events: ServerSentEvent[] = [];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    for await (const event of readEvents(stream)) events.push(event);
    expect(events).toEqual([
      { event: 'x', data: 'ø€', id: undefined },
      { event: 'message', data: 'no-space\ntwo', id: undefined },
    ]);
  });

  it('drops an event left unterminated when the stream ends', async () => {
    expect(await collect(['data: complete\n\ndata: partial'])).toEqual([
      { event: 'message', data: 'complete', id: undefined },
    ]);
  });
});
