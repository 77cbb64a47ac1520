/**
 * Sets every entry's modification time in a zip file to one date (00:00).
 *
 * docx zips each part with the time of rendering (fflate, Date.now()), in the
 * MS-DOS date and time fields of each local header and central-directory
 * record; those fields are outside the CRC and the compressed data, so writing
 * them over in place is safe. Nothing else in the archive varies.
 */
export function fixZipTimestamps(zip: Buffer, date: { year: number; month: number; day: number }): Buffer {
  const out = Buffer.from(zip);
  if (date.year < 1980 || date.year > 2107) throw new RangeError(`a zip date cannot hold the year ${date.year}`);
  const dosDate = ((date.year - 1980) << 9) | (date.month << 5) | date.day;
  const dosTime = 0;
  const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const entries = out.readUInt16LE(eocd + 10);
  let at = out.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (out.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip central directory record ${i} is malformed`);
    out.writeUInt16LE(dosTime, at + 12);
    out.writeUInt16LE(dosDate, at + 14);
    const local = out.readUInt32LE(at + 42);
    if (out.readUInt32LE(local) !== 0x04034b50) throw new Error(`zip local header of entry ${i} is malformed`);
    out.writeUInt16LE(dosTime, local + 10);
    out.writeUInt16LE(dosDate, local + 12);
    at += 46 + out.readUInt16LE(at + 28) + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32);
  }
  return out;
}
