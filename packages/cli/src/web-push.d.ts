// The part of the `web-push` package (which ships no types) that `herald keys` uses.
declare module 'web-push' {
  /** A VAPID key pair: base64url, the public key an uncompressed P-256 point (65 bytes), the private key 32 bytes. */
  export interface VapidKeys {
    publicKey: string;
    privateKey: string;
  }
  const webpush: { generateVAPIDKeys(): VapidKeys };
  export default webpush;
}
