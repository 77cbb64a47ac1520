import { displayWidth, formatPreview, truncate } from './format';
import { parsePolicyDocument } from './preview';

const DOC = `郑州市人民政府办公厅文件
郑政办〔2021〕9号
关于印发郑州市2021年园区建设工作要点的通知
2021年3月1日
一、加快园区建设
（一）推动一批园区开工建设。全年新开工园区20个以上。
牵头单位：市工信局、市发展改革委、市财政局、市商务局
责任单位：各开发区、区县（市）
完成时限：2021年12月
（二）建立台账。
责任单位：市统计局
完成时限：每季度
督办：市政府办公厅四处
`;

describe('formatPreview', () => {
  it('prints one row per item: path, title, lead, responsible (a big group by its size), deadline', () => {
    const out = formatPreview(parsePolicyDocument(DOC));
    const lines = out.split('\n');
    expect(lines[0]).toBe('关于印发郑州市2021年园区建设工作要点的通知');
    expect(lines[1]).toContain('文号 郑政办〔2021〕9号');
    expect(lines[3]).toMatch(/^path\s+title\s+lead\s+responsible\s+deadline$/);
    expect(lines[5]).toMatch(/^一\/（一）\s+推动一批园区开工建设\s+市工信局、市发展改革委… \(4\)\s+各开发区、区县（市） \(16\)\s+2021-12-31$/);
    expect(lines[6]).toMatch(/^一\/（二）\s+建立台账\s+—\s+市统计局\s+\(quarterly\) 每季度$/);
    expect(out).toContain('2 items (1 with a lead unit, 2 with responsible units, 1 with a deadline, 1 targets in the text)');
  });

  it('measures CJK as two columns', () => {
    expect(displayWidth('市工信局ab')).toBe(10);
    expect(truncate('全年新开工20个以上小微企业园', 12)).toBe('全年新开工2…');
    expect(displayWidth(truncate('全年新开工20个以上小微企业园', 12))).toBe(12);
  });
});
