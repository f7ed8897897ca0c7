// JSON for the line protocol between a check and its module driver: bytes travel as {"$bytes": base64},
// errors as {"$error": {name, message, code}}, undefined as {"$undefined": true}. Used on both sides.

export interface ThrownError {
  name: string;
  message: string;
  code?: string;
}

export function toWire(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    if (raw instanceof Error) return { $error: describeError(raw) };
    if (raw === undefined && key !== '') return { $undefined: true };
    return v;
  });
}

export function fromWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o['$bytes'] === 'string') return Buffer.from(o['$bytes'], 'base64');
      if (o['$undefined'] === true) return undefined;
    }
    return v;
  });
}

export function describeError(e: unknown): ThrownError {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: typeof e, message: String(e) };
}
