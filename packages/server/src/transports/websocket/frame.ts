// Pre-framed WebSocket text messages: a broadcast is encoded and framed once, then the same bytes go to every socket.

/** Largest payload whose length fits the 7-bit field; up to 0xffff takes 16 bits, beyond that 64. */
const SHORT = 125;
const MEDIUM = 0xffff;

/**
 * The bytes of one unmasked, final text frame (RFC 6455 5.2: FIN + opcode 1, no mask, as a server
 * sends) carrying `text` as UTF-8: header and payload in one Buffer, so writing it is one socket
 * write. The text is encoded straight into the frame, with no intermediate payload Buffer.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const offset = length <= SHORT ? 2 : length <= MEDIUM ? 4 : 10;
  const frame = Buffer.allocUnsafe(offset + length);
  frame[0] = 0x81;
  if (length <= SHORT) {
    frame[1] = length;
  } else if (length <= MEDIUM) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, offset, 'utf8');
  return frame;
}

/**
 * Frames text once for a run of sends of the same string (a fan-out writes one string to many
 * sockets in a row): remembers only the last string, so it costs one comparison per socket and keeps
 * nothing alive but one frame.
 */
export class FrameMemo {
  private text: string | null = null;
  private frame: Buffer = Buffer.alloc(0);

  /** The text frame of `text`, built at most once while the same text is sent. */
  frameOf(text: string): Buffer {
    if (text !== this.text) {
      this.frame = textFrame(text);
      this.text = text;
    }
    return this.frame;
  }
}
