// Structured JSON logs (pino). Secrets and tokens are redacted wherever they could appear.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, node: string): Logger {
  return pino({
    level,
    base: { node },
    redact: { paths: ['token', 'secret', 'resume', '*.token', '*.secret', 'req.headers.authorization'], censor: '[redacted]' },
  });
}
