/**
 * A short, stable, non-cryptographic hash (64-bit FNV-1a over UTF-8) used to keep shortened
 * Kubernetes names and label values distinct. The domain has no crypto module, and collisions only
 * need to be unlikely between ids that share a truncated prefix, not resistant to an attacker.
 */
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;
const encoder = new TextEncoder();

/** `length` lowercase base-36 characters (at most 12), safe in names and label values. */
export function shortHash(text: string, length = 8): string {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(36).padStart(13, "0").slice(-Math.min(length, 12));
}
