/** One Server-Sent Event. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * Parses a text/event-stream body as it arrives (WHATWG rules: `event`, `data`, `id`, comments,
 * CR/LF/CRLF line ends, multi-line data). EventSource cannot send an Authorization header,
 * so the client reads the stream through fetch and this parser.
 *
 * @example
 * for await (const event of readEvents(response.body!)) console.log(event.event, event.data);
 * // `onChunk` runs whenever bytes arrive, comments and heartbeats included (for idle detection).
 */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
  options: { onChunk?: () => void } = {},
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  try {
    let ended = false;
    while (!ended) {
      const { done, value } = await reader.read();
      ended = done;
      if (!done) options.onChunk?.();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        // A lone CR at the end may be the first half of CRLF: wait for more, unless nothing more comes.
        if (!match || (!ended && match[0] === '\r' && match.index === buffer.length - 1)) break;
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === '') {
          if (data.length > 0) yield { event: event || 'message', data: data.join('\n'), id };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id' && !value.includes('\0')) id = value;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
