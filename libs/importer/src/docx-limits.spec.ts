/**
 * The .docx size guards, against the zips the fuzzing of POST /api/v1/imports/preview sent: a main
 * part under a name that does not end in .xml (pointed to by _rels/.rels and [Content_Types].xml),
 * and a small zip holding megabytes of document XML, which mammoth parses into a whole tree
 * (8 MB: 13 s of blocked event loop, 1 GB). Every zip is built here, in memory, with jszip.
 */
import JSZip from 'jszip';
import { docxToText, MAX_DOCX_UNPACKED_BYTES, MAX_DOCX_XML_BYTES } from './docx';
import { buildDocx, documentXml, importErrorOf, SEED_000_ANNEX, seedBlocks } from './testing/docx-fixture';
import { example, EXAMPLES } from './testing/examples';
import type { ExampleName } from './testing/examples';
import { describeWithSeeds, seed } from './testing/seeds';

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const MB = 2 ** 20;

/** A document.xml of about `bytes` bytes: the fuzzer's paragraph, repeated. */
function paragraphsXml(bytes: number): string {
  const p = '<w:p><w:r><w:t>测试文字</w:t></w:r></w:p>';
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="${W_NS}"><w:body>${p.repeat(Math.ceil(bytes / Buffer.byteLength(p)))}<w:sectPr/></w:body></w:document>`;
}

/** A short document padded with whitespace to `bytes` bytes (cheap to build, and to parse for the code before the fix). */
function paddedXml(bytes: number): string {
  const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="${W_NS}"><w:body><w:p><w:r><w:t>测试文字</w:t></w:r></w:p>`;
  const tail = '<w:sectPr/></w:body></w:document>';
  return head + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(head + tail))) + tail;
}

const contentTypes = (main: string, extra = ''): string =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  `<Override PartName="/${main}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>${extra}</Types>`;

const rels = (...relationships: Array<[type: string, target: string]>): string =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${REL_NS}">` +
  relationships.map(([type, target], i) => `<Relationship Id="rId${i + 1}" Type="${REL}/${type}" Target="${target}"/>`).join('') +
  '</Relationships>';

/** A zip of the parts, deflated, as Word writes a .docx. */
async function zipOf(parts: Record<string, string | Uint8Array>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(parts)) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** The offsets of the central directory entries of a zip, with their names. */
function centralEntries(zip: Buffer): Array<{ at: number; name: string }> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const out: Array<{ at: number; name: string }> = [];
  for (let at = zip.readUInt32LE(eocd + 16); zip.readUInt32LE(at) === 0x02014b50; at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)) {
    out.push({ at, name: zip.toString('utf8', at + 46, at + 46 + zip.readUInt16LE(at + 28)) });
  }
  return out;
}

describe('a .docx is refused, naming the file and the sizes, before mammoth parses what is too large', () => {
  it('a main part named word/document.bin (pointed to by _rels/.rels and [Content_Types].xml) unpacking beyond the total limit', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.bin'),
      '_rels/.rels': rels(['officeDocument', 'word/document.bin']),
      'word/document.bin': paddedXml(MAX_DOCX_UNPACKED_BYTES + MB),
      'word/_rels/document.bin.rels': rels(),
    });
    expect(bytes.length).toBeLessThan(200_000); // it fits in a request body
    const err = await importErrorOf(docxToText(bytes, 'x.docx'));
    expect(err.code).toBe('invalid-docx');
    expect(err.details).toMatchObject({ reason: 'too large', limit: MAX_DOCX_UNPACKED_BYTES });
    expect(err.details['bytes']).toBeGreaterThan(MAX_DOCX_UNPACKED_BYTES);
    expect(err.message).toBe('x.docx: its parts unpack to 65.1 MB, more than the 64 MB a document is allowed; not read');
  });

  it('the same part unpacking beyond the XML limit only: refused by it', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.bin'),
      '_rels/.rels': rels(['officeDocument', 'word/document.bin']),
      'word/document.bin': paragraphsXml(MAX_DOCX_XML_BYTES + MB / 2),
    });
    const err = await importErrorOf(docxToText(bytes, 'x.docx'));
    expect(err.code).toBe('invalid-docx');
    expect(err.details).toMatchObject({ reason: 'too large', limit: MAX_DOCX_XML_BYTES });
    expect(err.message).toMatch(/^x\.docx: the XML parts its text is read from \(word\/document\.bin, .*\) unpack to 4\.\d MB, more than the 4 MB a document is allowed; not read/);
  });

  it('a word/document.xml of 4.5 MB of paragraphs (a small zip): refused by the XML limit, though far below the total', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.xml'),
      '_rels/.rels': rels(['officeDocument', 'word/document.xml']),
      'word/document.xml': paragraphsXml(MAX_DOCX_XML_BYTES + MB / 2),
      'word/_rels/document.xml.rels': rels(),
    });
    expect(bytes.length).toBeLessThan(50_000);
    const err = await importErrorOf(docxToText(bytes, '通知.docx'));
    expect(err.code).toBe('invalid-docx');
    expect(err.details).toMatchObject({ reason: 'too large', limit: MAX_DOCX_XML_BYTES });
    expect(err.details['bytes']).toBeGreaterThan(MAX_DOCX_XML_BYTES);
    expect(err.details['bytes']).toBeLessThan(MAX_DOCX_UNPACKED_BYTES);
    expect(err.message).toMatch(/^通知\.docx: the XML parts its text is read from \(word\/document\.xml, .*\) unpack to 4\.\d MB, more than the 4 MB a document is allowed; not read \(/);
    expect(err.message).toContain('saved as plain text (.txt)');
  });

  it('a document.xml that declares 1 KB in the zip but unpacks to 4.5 MB: refused as it unpacks, not read beyond the limit', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.xml'),
      '_rels/.rels': rels(['officeDocument', 'word/document.xml']),
      'word/document.xml': paragraphsXml(MAX_DOCX_XML_BYTES + MB / 2),
    });
    for (const { at, name } of centralEntries(bytes)) if (name === 'word/document.xml') bytes.writeUInt32LE(1024, at + 24);
    const err = await importErrorOf(docxToText(bytes, 'x.docx'));
    expect(err.code).toBe('invalid-docx');
    expect(err.details).toMatchObject({ reason: 'too large', limit: MAX_DOCX_XML_BYTES });
    expect(err.message).toMatch(/^x\.docx: the XML parts its text is read from \(.*word\/document\.xml.*\) unpack to more than the 4 MB a document is allowed, though the archive declares 0\.1 MB; not read \(/);
  });

  it('the styles part under another name (word/styles.bin, pointed to by word/_rels/document.xml.rels): counted too', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.xml'),
      '_rels/.rels': rels(['officeDocument', 'word/document.xml']),
      'word/document.xml': documentXml([{ kind: 'p', text: '郑州市人民政府办公厅文件' }]),
      'word/_rels/document.xml.rels': rels(['styles', 'styles.bin']),
      'word/styles.bin': `<w:styles xmlns:w="${W_NS}">${' '.repeat(MAX_DOCX_XML_BYTES)}</w:styles>`,
    });
    const err = await importErrorOf(docxToText(bytes, 'x.docx'));
    expect(err.details).toMatchObject({ reason: 'too large', limit: MAX_DOCX_XML_BYTES });
    expect(err.message).toMatch(/^x\.docx: the XML parts its text is read from \(word\/styles\.bin, /);
  });

  it('a zip whose table of contents names the main part word/media/ab.png while its local header (what JSZip reads) says word/document.xml', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.xml'),
      '_rels/.rels': rels(['officeDocument', 'word/document.xml']),
      'word/document.xml': paddedXml(MAX_DOCX_XML_BYTES + MB / 2),
    });
    for (const { at, name } of centralEntries(bytes)) if (name === 'word/document.xml') bytes.write('word/media/ab.png', at + 46, 'utf8');
    expect(centralEntries(bytes).map((e) => e.name)).toContain('word/media/ab.png');
    const err = await importErrorOf(docxToText(bytes, 'x.docx'));
    expect(err.details).toMatchObject({ reason: 'too large', limit: MAX_DOCX_XML_BYTES });
    expect(err.message).toMatch(/\(word\/document\.xml, /);
  });

  it('a zip whose end record counts fewer parts than its table of contents holds (JSZip reads them all): all are counted', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.xml'),
      '_rels/.rels': rels(['officeDocument', 'word/document.xml']),
      'word/document.xml': documentXml([{ kind: 'p', text: '郑州市人民政府办公厅文件' }]),
      'word/media/image1.png': new Uint8Array(MAX_DOCX_UNPACKED_BYTES + MB),
    });
    const entries = centralEntries(bytes);
    expect(entries[entries.length - 1]!.name).toBe('word/media/image1.png');
    const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    bytes.writeUInt16LE(entries.length - 1, eocd + 8);
    bytes.writeUInt16LE(entries.length - 1, eocd + 10);
    const err = await importErrorOf(docxToText(bytes, 'x.docx'));
    expect(err.details).toMatchObject({ reason: 'too large', limit: MAX_DOCX_UNPACKED_BYTES });
    expect(err.message).toBe('x.docx: its parts unpack to 65.1 MB, more than the 64 MB a document is allowed; not read');
  });

  it('a relationship part this reader cannot follow (a comment in _rels/.rels): every part counts toward the XML limit', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.bin'),
      '_rels/.rels': rels(['officeDocument', 'word/document.bin']).replace('<Relationship ', '<!-- " --><Relationship '),
      'word/document.bin': paddedXml(MAX_DOCX_XML_BYTES + MB / 2),
    });
    const err = await importErrorOf(docxToText(bytes, 'x.docx'));
    expect(err.details).toMatchObject({ reason: 'too large', limit: MAX_DOCX_XML_BYTES });
  });
});

describe('what is not too large is read as before', () => {
  /** A document's XML is a small part of the limit, and its text comes back (one line of prose checked). */
  async function readBack(txt: string, name: string, tables: Parameters<typeof seedBlocks>[1] = []): Promise<void> {
    const blocks = seedBlocks(txt, tables);
    expect(Buffer.byteLength(documentXml(blocks))).toBeLessThan(MAX_DOCX_XML_BYTES / 40);
    const { text } = await docxToText(await buildDocx(blocks), `${name}.docx`);
    const line = txt.split('\n').find((l) => /^[\u4e00-\u9fff]{6,}[^\t*<]*$/.test(l))!;
    expect(`\n${text}`).toContain(`\n${line}\n`);
  }

  it('the example documents as .docx: their XML is a small part of the limit, and they are read', async () => {
    for (const name of Object.keys(EXAMPLES) as ExampleName[]) await readBack(example(name), name);
  });

  it('images are not XML: 10 MB of media beside a small document is read', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.xml', '<Default Extension="png" ContentType="image/png"/>'),
      '_rels/.rels': rels(['officeDocument', 'word/document.xml']),
      'word/document.xml': documentXml([{ kind: 'p', text: '郑州市人民政府办公厅文件' }]),
      'word/_rels/document.xml.rels': rels(['image', 'media/image1.png'], ['styles', 'styles.xml']),
      'word/styles.xml': `<w:styles xmlns:w="${W_NS}"/>`,
      'word/media/image1.png': new Uint8Array(10 * MB),
    });
    expect((await docxToText(bytes, 'x.docx')).text).toBe('郑州市人民政府办公厅文件\n');
  });

  it('a main part under another name, small: read (mammoth follows _rels/.rels)', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.bin'),
      '_rels/.rels': rels(['officeDocument', 'word/document.bin']),
      'word/document.bin': documentXml([{ kind: 'p', text: '郑政办〔2021〕34号' }]),
    });
    expect((await docxToText(bytes, 'x.docx')).text).toBe('郑政办〔2021〕34号\n');
  });

  it('a document.xml just below the XML limit is read', async () => {
    const bytes = await zipOf({
      '[Content_Types].xml': contentTypes('word/document.xml'),
      '_rels/.rels': rels(['officeDocument', 'word/document.xml']),
      'word/document.xml': paddedXml(MAX_DOCX_XML_BYTES - 4096),
    });
    expect((await docxToText(bytes, 'x.docx')).text).toBe('测试文字\n');
  });
});

describeWithSeeds('the seeds as .docx are not too large', () => {
  it('their XML is a small part of the limit, and they are read', async () => {
    for (const prefix of ['000', '001', '002', '003', '004']) {
      const txt = seed(prefix);
      const blocks = seedBlocks(txt, prefix === '000' ? [SEED_000_ANNEX] : []);
      expect(Buffer.byteLength(documentXml(blocks))).toBeLessThan(MAX_DOCX_XML_BYTES / 40);
      const { text } = await docxToText(await buildDocx(blocks), `${prefix}.docx`);
      const line = txt.split('\n').find((l) => /^[\u4e00-\u9fff]{6,}[^\t*<]*$/.test(l))!;
      expect(text).toContain(`\n${line}\n`);
    }
  });
});
