/**
 * A streaming zip writer for exports (STORE method: images are already compressed). Each entry's
 * size and CRC-32 are known before its local header goes out, so there are no data descriptors
 * (which some readers refuse on stored entries). Zip64 records are written where a size, an offset
 * or the entry count overflows its classic field, so there is no 4 GiB or 65,535-entry ceiling.
 *
 * Pure: it returns the bytes to send and keeps only running totals. The caller sends each entry's
 * bytes after its header, keeps the central directory records (in memory, or spooled to disk for
 * constant memory), sends them all in order after the last entry, then sends `end()`.
 */
import { ZIP_SIGNATURE } from '../import/zip.ts';

/** Values at or above these go into Zip64 fields; tests lower them to exercise Zip64 on small files. */
export interface ZipFieldLimits {
  u16: number;
  u32: number;
}

export const ZIP_FIELD_LIMITS: ZipFieldLimits = { u16: 0xffff, u32: 0xffffffff };

export interface ZipEntryHeader {
  /** Path inside the zip, `/`-separated (UTF-8). */
  name: string;
  size: number;
  crc32: number;
}

const { local: localSignature, central: centralSignature, end: endSignature, zip64End: zip64EndSignature, zip64Locator: zip64LocatorSignature } = ZIP_SIGNATURE;
const zip64ExtraId = 0x0001;
const utf8Flag = 0x0800;
const versionClassic = 20;
const versionZip64 = 45;
// Made by Unix (3), so extractors apply the permissions in the external attributes.
const versionMadeBy = (3 << 8) | versionZip64;
const regularFile = (0o100644 << 16) >>> 0;

export class ZipWriter {
  private offset = 0;
  private count = 0;
  private centralBytes = 0;
  private readonly dosTime: number;
  private readonly dosDate: number;
  private readonly limits: ZipFieldLimits;

  constructor(options: { modified: Date; limits?: ZipFieldLimits }) {
    this.limits = options.limits ?? ZIP_FIELD_LIMITS;
    const d = options.modified;
    this.dosTime = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
    this.dosDate = (Math.max(d.getUTCFullYear() - 1980, 0) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  }

  /**
   * The local header of the next entry, to send followed by exactly `size` bytes, and its central
   * directory record, to send after the last entry.
   */
  addEntry(entry: ZipEntryHeader): { header: Buffer; central: Buffer } {
    const name = Buffer.from(entry.name, 'utf8');
    if (name.length === 0 || name.length > 0xffff) throw new Error(`zip entry name must be 1 to 65535 bytes: ${entry.name.slice(0, 80)}`);
    const bigSize = entry.size >= this.limits.u32;
    const bigOffset = this.offset >= this.limits.u32;
    const header = this.localHeader(entry, name, bigSize);
    const central = this.centralRecord(entry, name, bigSize, bigOffset);
    this.offset += header.length + entry.size;
    this.count += 1;
    this.centralBytes += central.length;
    return { header, central };
  }

  /** The Zip64 end records when needed, then the end of central directory record. */
  end(): Buffer {
    const directoryOffset = this.offset;
    const zip64 = this.count >= this.limits.u16 || this.centralBytes >= this.limits.u32 || directoryOffset >= this.limits.u32;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(endSignature, 0);
    end.writeUInt16LE(zip64 ? 0xffff : this.count, 8);
    end.writeUInt16LE(zip64 ? 0xffff : this.count, 10);
    end.writeUInt32LE(zip64 ? 0xffffffff : this.centralBytes, 12);
    end.writeUInt32LE(zip64 ? 0xffffffff : directoryOffset, 16);
    if (!zip64) return end;
    const record = Buffer.alloc(56);
    record.writeUInt32LE(zip64EndSignature, 0);
    writeU64(record, 44, 4); // size of the rest of this record
    record.writeUInt16LE(versionMadeBy, 12);
    record.writeUInt16LE(versionZip64, 14);
    writeU64(record, this.count, 24);
    writeU64(record, this.count, 32);
    writeU64(record, this.centralBytes, 40);
    writeU64(record, directoryOffset, 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(zip64LocatorSignature, 0);
    writeU64(locator, directoryOffset + this.centralBytes, 8);
    locator.writeUInt32LE(1, 16);
    return Buffer.concat([record, locator, end]);
  }

  /**
   * The 26 bytes the local header and the central record share, from "version needed" to "extra
   * field length" (APPNOTE 4.3.7 and 4.3.12), written at `at`.
   */
  private writeEntryFields(buffer: Buffer, at: number, entry: ZipEntryHeader, fields: { zip64: boolean; bigSize: boolean; nameLength: number; extraLength: number }): void {
    buffer.writeUInt16LE(fields.zip64 ? versionZip64 : versionClassic, at);
    buffer.writeUInt16LE(utf8Flag, at + 2);
    buffer.writeUInt16LE(0, at + 4); // stored
    buffer.writeUInt16LE(this.dosTime, at + 6);
    buffer.writeUInt16LE(this.dosDate, at + 8);
    buffer.writeUInt32LE(entry.crc32 >>> 0, at + 10);
    buffer.writeUInt32LE(fields.bigSize ? 0xffffffff : entry.size, at + 14);
    buffer.writeUInt32LE(fields.bigSize ? 0xffffffff : entry.size, at + 18);
    buffer.writeUInt16LE(fields.nameLength, at + 22);
    buffer.writeUInt16LE(fields.extraLength, at + 24);
  }

  private localHeader(entry: ZipEntryHeader, name: Buffer, bigSize: boolean): Buffer {
    // The local Zip64 field holds both sizes whenever either overflows.
    const extra = bigSize ? zip64Extra([entry.size, entry.size]) : Buffer.alloc(0);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(localSignature, 0);
    this.writeEntryFields(header, 4, entry, { zip64: bigSize, bigSize, nameLength: name.length, extraLength: extra.length });
    return Buffer.concat([header, name, extra]);
  }

  private centralRecord(entry: ZipEntryHeader, name: Buffer, bigSize: boolean, bigOffset: boolean): Buffer {
    // The central Zip64 field holds only the values that overflowed, in this order.
    const extra = zip64Extra([...(bigSize ? [entry.size, entry.size] : []), ...(bigOffset ? [this.offset] : [])]);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(centralSignature, 0);
    record.writeUInt16LE(versionMadeBy, 4);
    this.writeEntryFields(record, 6, entry, { zip64: bigSize || bigOffset, bigSize, nameLength: name.length, extraLength: extra.length });
    record.writeUInt32LE(regularFile, 38);
    record.writeUInt32LE(bigOffset ? 0xffffffff : this.offset, 42);
    return Buffer.concat([record, name, extra]);
  }
}

function zip64Extra(values: number[]): Buffer {
  if (values.length === 0) return Buffer.alloc(0);
  const extra = Buffer.alloc(4 + values.length * 8);
  extra.writeUInt16LE(zip64ExtraId, 0);
  extra.writeUInt16LE(values.length * 8, 2);
  values.forEach((value, i) => writeU64(extra, value, 4 + i * 8));
  return extra;
}

function writeU64(buffer: Buffer, value: number, offset: number): void {
  buffer.writeBigUInt64LE(BigInt(value), offset);
}
