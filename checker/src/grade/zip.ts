// Zip files without a dependency or an `unzip` binary (a clean machine may not have one): a reader
// of the central directory for stored and deflated entries, and a writer of deflated entries for
// the exported autograder. A submission's zip is untrusted: every entry name is checked before
// anything is written, and the sizes it claims are capped.

import { deflateRawSync, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  override readonly name = 'ZipError';
  constructor(
    readonly code: 'ZIP_FORMAT' | 'ZIP_ESCAPE' | 'ZIP_TOO_BIG' | 'ZIP_UNSUPPORTED',
    message: string,
  ) {
    super(message);
  }
}

export interface ZipEntry {
  /** The path inside the archive, '/' separated; a folder ends in '/'. */
  name: string;
  /** The file's bytes (empty for a folder). */
  data: Buffer;
  /** A symbolic link (Unix mode in the external attributes): never written as a link. */
  symlink: boolean;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The entry's name as a safe relative path, or a ZipError: no absolute path, no drive letter,
 * no `..` segment, no backslash tricks. What is refused is refused for the whole archive.
 */
export function safeEntryName(name: string): string {
  const norm = name.replace(/\\/g, '/');
  if (norm.startsWith('/') || /^[A-Za-z]:/.test(norm) || norm.split('/').some((s) => s === '..') || norm.includes('\0')) {
    throw new ZipError('ZIP_ESCAPE', `the zip entry "${name}" points outside the folder it is unpacked into`);
  }
  return norm.split('/').filter((s) => s !== '' && s !== '.').join('/') + (norm.endsWith('/') ? '/' : '');
}

export interface ReadLimits {
  /** Total bytes of all entries once unpacked. */
  maxBytes: number;
  maxEntries: number;
}

/** Every entry of a zip archive, checked and unpacked in memory. */
export function readZip(zip: Buffer, limits: ReadLimits = { maxBytes: 64 << 20, maxEntries: 20_000 }): ZipEntry[] {
  // The end-of-central-directory record: in the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('ZIP_FORMAT', 'not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ZipError('ZIP_UNSUPPORTED', 'zip64 archives are not supported');
  if (count > limits.maxEntries) throw new ZipError('ZIP_TOO_BIG', `the zip has ${count} entries (at most ${limits.maxEntries})`);
  const out: ZipEntry[] = [];
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) throw new ZipError('ZIP_FORMAT', 'a broken central directory');
    const versionMadeBy = zip.readUInt16LE(p + 4);
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const compSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const external = zip.readUInt32LE(p + 38);
    const localOffset = zip.readUInt32LE(p + 42);
    const rawName = zip.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
    p += 46 + nameLen + extraLen + commentLen;
    const name = safeEntryName(rawName);
    const unixMode = versionMadeBy >> 8 === 3 ? external >>> 16 : 0;
    const symlink = (unixMode & 0o170000) === 0o120000;
    if (flags & 0x1) throw new ZipError('ZIP_UNSUPPORTED', `"${rawName}" is encrypted`);
    total += size;
    if (total > limits.maxBytes) throw new ZipError('ZIP_TOO_BIG', `the zip unpacks to more than ${limits.maxBytes >> 20} MiB`);
    if (name === '' || name.endsWith('/')) {
      if (name) out.push({ name, data: Buffer.alloc(0), symlink: false });
      continue;
    }
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== 0x04034b50) throw new ZipError('ZIP_FORMAT', `a broken local header for "${rawName}"`);
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const body = zip.subarray(start, start + compSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(body);
    else if (method === 8) {
      try {
        data = inflateRawSync(body, { maxOutputLength: Math.max(1, size) });
      } catch {
        throw new ZipError('ZIP_FORMAT', `"${rawName}" does not inflate to the ${size} bytes it claims`);
      }
    } else throw new ZipError('ZIP_UNSUPPORTED', `"${rawName}" uses compression method ${method} (only stored and deflated are read)`);
    if (data.length !== size) throw new ZipError('ZIP_FORMAT', `"${rawName}" has ${data.length} bytes, not the ${size} it claims`);
    out.push({ name, data, symlink });
  }
  return out;
}

/** A zip of the given files (deflated), with the Unix modes given (0o755 for scripts). */
export function writeZip(files: { name: string; data: Buffer; mode?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  // 1980-01-01 00:00: a fixed time, so the same course exports the same bytes
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const comp = deflateRawSync(f.data);
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode is kept
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(comp.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100000 | (f.mode ?? 0o644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, comp);
    centrals.push(central, name);
    offset += local.length + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
