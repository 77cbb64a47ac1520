/**
 * The one-line Chinese summaries of amendments (task.amended.v1,
 * target.revised.v1): each changed field as "label from → to", unit lists as
 * what left and what came, long text clipped, then the reason and the
 * document; never the raw JSON.
 */
import { clip, summarizeEvent } from './audit-summary';

const T = 'zzb-2021-34-3-1';
const REASON = '根据市政府常务会议纪要（2021年第15次）调整责任分工，郑东新区不再承担此项任务，由中牟县单独负责，限期完成';

describe('summarizeEvent: amendments', () => {
  it('task.amended.v1: each change in order, then the reason and the amending document', () => {
    expect(
      summarizeEvent('task.amended.v1', {
        taskId: T,
        changes: [
          { field: 'title', from: '全年新开工20个以上小微企业园', to: '全年新开工25个以上小微企业园' },
          { field: 'leadUnits', from: ['市工信局', '市人社局'], to: ['市科技局', '市人社局'] },
          { field: 'responsibleUnits', from: ['郑东新区', '中牟县'], to: ['郑东新区', '中牟县', '巩义市'] },
          { field: 'deadline', from: '2021-12-31T23:59:59+08:00', to: '2022-06-30T23:59:59+08:00' },
        ],
        addedResponsibleUnits: ['巩义市'],
        removedResponsibleUnits: [],
        reason: '郑政办〔2021〕35号 修订',
        documentRef: '郑政办〔2021〕35号',
        at: '2021-08-01T09:00:00+08:00',
      }),
    ).toBe(
      '修订事项：标题 “全年新开工20个以上小微企业园” → “全年新开工25个以上小微企业园”；牵头 −市工信局 +市科技局；责任单位 +巩义市；' +
        '完成时限 2021-12-31 → 2022-06-30（理由：郑政办〔2021〕35号 修订；依据 郑政办〔2021〕35号）',
    );
  });

  it('task.amended.v1: text, document title, cooperating units, a target and a deadline that is not the end of a day; no document', () => {
    const long = '全年新开工20个以上小微企业园，其中郑州航空港区、郑东新区、中牟县各不少于5个，其余县（市）区各不少于2个。';
    expect(
      summarizeEvent('task.amended.v1', {
        taskId: T,
        changes: [
          { field: 'text', from: long, to: long.replace('5个', '6个') },
          { field: 'documentTitle', from: null, to: '郑州市2021年小微企业园高质量发展工作要点' },
          { field: 'cooperatingUnits', from: ['市发展改革委'], to: [] },
          { field: 'deadline', from: '2021-12-31T23:59:59+08:00', to: '2022-03-31T18:00:00+08:00' },
          { field: 'target', from: { value: 20, unit: '个', comparator: '>=' }, to: null },
        ],
        addedResponsibleUnits: [],
        removedResponsibleUnits: [],
        reason: 're-import of 郑政办〔2021〕34号 (000.txt)',
        at: '2021-08-01T09:00:00+08:00',
      }),
    ).toBe(
      // a long text: both sides start a little before the first difference, so what is shown differs
      '修订事项：内容 “…各不少于5个，其余县（市）区…” → “…各不少于6个，其余县（市）区…”；文件标题 无 → “郑州市2021年小微企业园高质…”；' +
        '配合 −市发展改革委；完成时限 2021-12-31 → 2022-03-31 18:00；目标 >=20个 → 无（理由：re-import of 郑政办〔2021〕34号 (000.txt)）',
    );
  });

  it('task.amended.v1: a removal; long values are clipped to one short line', () => {
    const line = summarizeEvent('task.amended.v1', {
      taskId: T,
      changes: [{ field: 'responsibleUnits', from: ['郑东新区', '中牟县'], to: ['中牟县'] }],
      addedResponsibleUnits: [],
      removedResponsibleUnits: ['郑东新区'],
      reason: REASON,
      at: '2021-08-01T09:00:00+08:00',
    });
    expect(line).toBe(`修订事项：责任单位 −郑东新区（理由：${clip(REASON, 40)}）`);
    expect(clip(REASON, 40)).toHaveLength(40);
    expect(line).not.toContain('\n');
  });

  it('task.amended.v1: malformed data still gives a line, never throws and never falls back to JSON', () => {
    expect(summarizeEvent('task.amended.v1', {})).toBe('修订事项：?（理由：?）');
    expect(summarizeEvent('task.amended.v1', null)).toBe('修订事项：?（理由：?）');
    expect(summarizeEvent('task.amended.v1', { changes: [{ field: 'priority', from: 1, to: 2 }, 'x'], reason: '纠错' })).toBe(
      '修订事项：priority 1 → 2（理由：纠错）',
    );
    // a unit list whose order alone changed (the decider never records one): both lists
    expect(summarizeEvent('task.amended.v1', { changes: [{ field: 'leadUnits', from: ['甲', '乙'], to: ['乙', '甲'] }], reason: 'r' })).toBe(
      '修订事项：牵头 甲、乙 → 乙、甲（理由：r）',
    );
  });

  it('target.revised.v1: value and unit of measure, then the reason and the document', () => {
    expect(
      summarizeEvent('target.revised.v1', {
        targetId: 'tgt-中牟县-2021-集聚入园企业',
        changes: [
          { field: 'value', from: 20, to: 25 },
          { field: 'unitOfMeasure', from: '个', to: '家' },
        ],
        reason: '郑政办〔2021〕40号 修订',
        documentRef: '郑政办〔2021〕40号',
        at: '2021-08-01T09:00:00+08:00',
      }),
    ).toBe('修订目标：数值 20 → 25；计量单位 个 → 家（理由：郑政办〔2021〕40号 修订；依据 郑政办〔2021〕40号）');
    expect(summarizeEvent('target.revised.v1', { changes: [{ field: 'value', from: 20, to: 18 }], reason: '复核' })).toBe(
      '修订目标：数值 20 → 18（理由：复核）',
    );
    expect(summarizeEvent('target.revised.v1', {})).toBe('修订目标：?（理由：?）');
  });

  it('other types are unchanged: the closing, an unknown type as clipped JSON', () => {
    expect(summarizeEvent('task.closed.v1', { taskId: T, at: '2021-11-25T10:00:00+08:00' })).toBe('事项办结（各责任单位均已销号）');
    expect(summarizeEvent('target.set.v1', { targetId: 't', value: 20 })).toBe('{"targetId":"t","value":20}');
  });
});

describe('summarizeEvent: the unit registry', () => {
  it('names the group, its new members and how many there were before', () => {
    expect(summarizeEvent('unit.group_members_set.v1', { groupId: '各产业集聚区', members: ['巩义市', '荥阳市'], previous: null })).toBe(
      '单位组「各产业集聚区」成员设为 巩义市、荥阳市（2个；此前未知）',
    );
    expect(summarizeEvent('unit.group_members_set.v1', { groupId: '各产业集聚区', members: ['巩义市'], previous: ['巩义市', '荥阳市'], note: '调整' })).toBe(
      '单位组「各产业集聚区」成员设为 巩义市（1个；此前2个）；调整',
    );
    expect(summarizeEvent('unit.added.v1', { id: '郑州市数据局', kind: 'department', parent: '郑州市人民政府' })).toBe('新增单位 郑州市数据局');
    expect(summarizeEvent('unit.alias_added.v1', { unitId: '郑州市数据局', alias: '市数据局' })).toBe('单位 郑州市数据局 新增别名 市数据局');
  });
});
