import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportError } from './errors';
import { decodeText, extractText } from './extract';
import { parsePolicyDocument } from './preview';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImportError) return err.code;
    throw err;
  }
  return 'no error';
};
const codeAsync = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'no error',
    (err: unknown) => {
      if (err instanceof ImportError) return err.code;
      throw err;
    },
  );

const SMALL = '郑州市人民政府办公厅文件\n郑政办〔2021〕1号\n关于开展专项检查的通知\n一、开展检查\n（一）全面排查。\n牵头单位：市应急局\n完成时限：2021年6月\n';

describe('bad input: a typed error, never a guess', () => {
  it('empty or whitespace', () => {
    expect(code(() => parsePolicyDocument(''))).toBe('empty');
    expect(code(() => parsePolicyDocument(' \n\t\u3000\n'))).toBe('empty');
    expect(code(() => decodeText(new Uint8Array()))).toBe('empty');
  });

  it('binary: NUL bytes, control characters, undecodable characters', () => {
    expect(code(() => decodeText(Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01])))).toBe('binary');
    expect(code(() => parsePolicyDocument(`${SMALL}\u0000`))).toBe('binary');
    expect(code(() => parsePolicyDocument(`${SMALL}${'\u0001\u0002'.repeat(20)}`))).toBe('binary');
    expect(code(() => parsePolicyDocument(`${SMALL}${'\ufffd'.repeat(20)}`))).toBe('binary');
  });

  it('invalid UTF-8 names the offset and suggests GB18030; GB18030 reads when asked', () => {
    const gbk = Uint8Array.from([0xd6, 0xd0, 0xce, 0xc4]); // 中文 in GBK
    try {
      decodeText(gbk);
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(ImportError);
      expect((err as ImportError).code).toBe('invalid-encoding');
      expect((err as ImportError).message).toContain('offset 0');
      expect((err as ImportError).message).toContain('--encoding gb18030');
    }
    expect(decodeText(gbk, { encoding: 'gb18030' })).toEqual({ text: '中文', encoding: 'gb18030' });
  });

  it('reads UTF-8 with a BOM and UTF-16 with a BOM', () => {
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('中文', 'utf8')]);
    expect(decodeText(utf8)).toEqual({ text: '中文', encoding: 'utf-8' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('中文', 'utf16le')]);
    expect(decodeText(utf16)).toEqual({ text: '中文', encoding: 'utf-16le' });
  });

  it('not Chinese', () => {
    const err = (() => {
      try {
        parsePolicyDocument('Notice on the 2021 work plan.\n1. Build twenty parks.\nLead unit: MIIT\n');
      } catch (e) {
        return e as ImportError;
      }
      return null;
    })();
    expect(err?.code).toBe('not-chinese');
    expect(err?.details).toMatchObject({ chinese: 0 });
  });

  it('a readable document without items: a preview that says what it found', () => {
    const p = parsePolicyDocument('关于做好节日期间安全工作的通知\n各单位要高度重视，认真落实值班制度，确保节日期间安全稳定。\n');
    expect(p.items).toEqual([]);
    expect(p.warnings.map((w) => w.code)).toContain('no-items');
  });
});

describe('extractText: the file seam', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads .txt and .md', async () => {
    writeFileSync(join(dir, 'a.txt'), SMALL);
    writeFileSync(join(dir, 'a.md'), `# ${SMALL}`);
    await expect(extractText(join(dir, 'a.txt'))).resolves.toEqual({ text: SMALL, format: 'text', encoding: 'utf-8', bytes: Buffer.byteLength(SMALL) });
    await expect(extractText(join(dir, 'a.md'))).resolves.toMatchObject({ format: 'markdown' });
  });

  it('refuses a broken .docx, .pdf, unknown types and missing files with typed errors', async () => {
    // .docx is read (docx.spec.ts); a file named .docx that is not one is refused, naming the file
    writeFileSync(join(dir, 'a.docx'), 'PK\u0003\u0004');
    await expect(codeAsync(extractText(join(dir, 'a.docx')))).resolves.toBe('invalid-docx');
    await expect(extractText(join(dir, 'a.docx'))).rejects.toThrow(`${join(dir, 'a.docx')}: not a .docx document`);
    writeFileSync(join(dir, 'b.docx'), SMALL);
    await expect(codeAsync(extractText(join(dir, 'b.docx')))).resolves.toBe('invalid-docx');
    await expect(codeAsync(extractText(join(dir, 'a.doc')))).resolves.toBe('unsupported-format');
    await expect(codeAsync(extractText(join(dir, 'a.pdf')))).resolves.toBe('unsupported-format');
    await expect(codeAsync(extractText(join(dir, 'a.json')))).resolves.toBe('unsupported-format');
    await expect(codeAsync(extractText(join(dir, 'missing.txt')))).resolves.toBe('unreadable');
    await expect(codeAsync(extractText(dir + '/'))).resolves.toBe('unsupported-format');
  });

  it('refuses a binary file named .txt', async () => {
    writeFileSync(join(dir, 'b.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    await expect(codeAsync(extractText(join(dir, 'b.txt')))).resolves.toBe('binary');
  });
});
