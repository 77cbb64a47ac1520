import { bulletinContentHash, canonicalBulletin, draftBulletin, firstDifference } from './index';
import type { BulletinInput } from './index';
import { sampleBulletinInput } from './testing/sample-input';

/** The sample with one unit's score changed (a byte of the input). */
function withScore(unitId: string, score: number): BulletinInput {
  const input = sampleBulletinInput();
  return {
    ...input,
    groups: input.groups.map((g) => ({ ...g, entries: g.entries.map((e) => (e.unit.id === unitId ? { ...e, score } : e)) })),
  };
}

describe('bulletinContentHash', () => {
  it('is the sha256 of the canonical form, the same for the same input', () => {
    const hash = bulletinContentHash(sampleBulletinInput());
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(bulletinContentHash(sampleBulletinInput())).toBe(hash);
  });

  it('is pinned for the sample: rewording the template must be a new template version, not a silent change', () => {
    // Published bulletins are verified by rebuilding them: a change of any sentence changes this hash.
    expect(draftBulletin(sampleBulletinInput()).provenance.template).toBe('duban-bulletin-v1');
    expect(bulletinContentHash(sampleBulletinInput())).toBe(PINNED_SAMPLE_HASH);
  });

  it('changes when one score changes, and firstDifference names the field', () => {
    const before = draftBulletin(sampleBulletinInput());
    const after = draftBulletin(withScore('巩义市', 92.01));
    expect(bulletinContentHash(withScore('巩义市', 92.01))).not.toBe(bulletinContentHash(sampleBulletinInput()));
    const difference = firstDifference(before, after)!;
    expect(difference.field).toBe('annex.tables[1].rows[1].cells[1]');
    expect(difference.expected).toBe('"92.00"');
    expect(difference.actual).toBe('"92.01"');
    expect(difference.message).toBe(`line ${difference.line}: annex.tables[1].rows[1].cells[1] was "92.00", is now "92.01"`);
    expect(canonicalBulletin(before).split('\n')[difference.line - 1]).toBe('annex.tables[1].rows[1].cells[1]="92.00"');
  });

  it('finds no difference between a bulletin and its rebuild, from documents or canonical texts', () => {
    const doc = draftBulletin(sampleBulletinInput());
    expect(firstDifference(doc, draftBulletin(sampleBulletinInput()))).toBeNull();
    expect(firstDifference(canonicalBulletin(doc), doc)).toBeNull();
  });

  it('names a part present on one side only', () => {
    const input = sampleBulletinInput();
    const fewer = { ...input, black: input.black.map((b, i) => (i === 2 ? { ...b, overdueItems: b.overdueItems.slice(0, 1) } : b)) };
    const difference = firstDifference(draftBulletin(input), draftBulletin(fewer))!;
    // 上街区's second overdue item was the last paragraph of 三、通报批评: the rebuilt one goes on with 四、.
    expect(difference.field).toBe('sections[2].paragraphs[10].text / sections[3].heading');
    expect(difference.expected).toContain('完成通用航空产业园配套道路建设');
    expect(difference.message).toBe(
      `line ${difference.line}: sections[2].paragraphs[10].text in the recorded bulletin, sections[3].heading in the rebuilt one (a part was added or removed)`,
    );
  });

  it('keeps full-width punctuation exact in the canonical form (no normalisation)', () => {
    const canonical = canonicalBulletin(draftBulletin(sampleBulletinInput()));
    expect(canonical).toContain('documentNumber="郑政办文〔2021〕　号"');
    expect(canonical).toContain('addressees="各开发区管委会，各区县（市）人民政府，市人民政府各部门："');
  });
});

const PINNED_SAMPLE_HASH = '540ec254ac996746d18ac228e2bb2b362327a6a8b66518c4c1753b01f8f163dc';
