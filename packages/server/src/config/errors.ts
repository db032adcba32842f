// A configuration problem: start-up stops with this message, which names the setting.
export class HeraldConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeraldConfigError';
  }
}
