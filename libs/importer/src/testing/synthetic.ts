/**
 * Small synthetic documents of the genre (written for these tests, not copied
 * from the seeds): another city's registry and layouts the seeds do not use.
 */
import { UnitRegistry } from '@duban/domain/units';

/** A small registry for a fictional 洛阳 document: the parser must not depend on Zhengzhou's names. */
export const luoyangRegistry = (): UnitRegistry =>
  UnitRegistry.fromData({
    units: [
      { id: '洛阳市人民政府', kind: 'government', parent: null, aliases: ['市政府'] },
      { id: '市政府办公室', kind: 'office', parent: '洛阳市人民政府', aliases: ['洛阳市人民政府办公室'] },
      { id: '市政府督查室', kind: 'division', parent: '市政府办公室', localAliases: ['督查室'] },
      { id: '市发展改革委', kind: 'department', parent: '洛阳市人民政府' },
      { id: '市工信局', kind: 'department', parent: '洛阳市人民政府' },
      { id: '市商务局', kind: 'department', parent: '洛阳市人民政府' },
      { id: '市公安局', kind: 'department', parent: '洛阳市人民政府' },
      { id: '市住建局', kind: 'department', parent: '洛阳市人民政府' },
      { id: '市市场监管局', kind: 'department', parent: '洛阳市人民政府', aliases: ['市市场监督管理局'] },
      { id: '市政务服务中心', kind: 'centre', parent: '洛阳市人民政府' },
      { id: '偃师区', kind: 'district', parent: '洛阳市人民政府' },
      { id: '孟津区', kind: 'district', parent: '洛阳市人民政府' },
      { id: '新安县', kind: 'county', parent: '洛阳市人民政府' },
      { id: '宜阳县', kind: 'county', parent: '洛阳市人民政府' },
    ],
    groups: [{ id: '各县区', members: ['偃师区', '孟津区', '新安县', '宜阳县'], aliases: ['各县(区)', '各县区人民政府'] }],
  });

/**
 * Another city's task list: responsibilities as sentences without labels and in
 * parentheses, "6月底前" without a year, one block of labelled lines after two
 * sub-items, 每季度, 长期坚持, an exact date, an unknown unit, a 督办 line.
 */
export const LUOYANG_TASK_LIST = `洛阳市人民政府办公室文件

洛政办〔2022〕15号

洛阳市人民政府办公室
关于印发洛阳市2022年优化营商环境
重点任务清单的通知

各县区人民政府，市人民政府各部门：
现将《洛阳市2022年优化营商环境重点任务清单》印发给你们，请认真抓好落实。

2022年3月10日

一、提升政务服务效能
（一）推进“一网通办”。全程网办事项比例达到90%以上，新增“一件事”主题服务不少于20项。市政务服务中心牵头，市市场监管局、市公安局配合，各县区负责落实。2022年9月底前完成。
（二）压缩企业开办时间。企业开办时间压缩至1个工作日内。（市市场监管局牵头，各县区配合，6月底前完成）
二、优化投资建设环境
（三）深化工程建设项目审批制度改革。
1. 推行“拿地即开工”，审批时间控制在60个工作日以内。
2. 推行联合验收，实现竣工验收“一次办成”。
牵头单位：市住建局
责任单位：各县区
完成时限：2022年底前
（四）开展营商环境评价。对各县区营商环境进行评价，结果向社会公布。
牵头单位：市发展改革委
责任单位：各县区
完成时限：每季度
（五）加强政策宣传解读。
牵头单位：市工信局、市商务局
责任单位：各县区
完成时限：长期坚持
三、强化督查落实
（六）严格督查考核。对重点任务实行清单化管理，按月调度进展情况。
牵头单位：市政府督查室
配合单位：市营商办
完成时限：2022年12月31日

主办：市发展改革委　督办：市政府督查室
洛阳市人民政府办公室　2022年3月11日印发
`;

/** Traditional characters throughout (a document typed in a traditional-character input method). */
export const TRADITIONAL_NOTICE = `鄭州市人民政府辦公廳文件
鄭政辦〔2022〕8號
關於印發鄭州市2022年重點項目建設工作方案的通知
2022年2月18日
一、重點任務
（一）加快項目建設。全年新開工項目20個以上，完成投資不少於500億元。
牽頭單位：市發展改革委
責任單位：各開發區、區縣（市）
配合單位：市財政局、市自然資源規劃局
完成時限：2022年6月底前
（二）強化要素保障。
牽頭單位：市自然資源規劃局
責任單位：各開發區、區縣（市）
完成時限：2022年12月
主辦：市發展改革委　督辦：市政府辦公廳四處
`;

/**
 * A task document that is only a division table (markdown pipes) with a
 * deadline column, plus a target table by unit with a total row and a name the
 * registry does not know.
 */
export const TABLE_ONLY_PLAN = `# 郑州市人民政府办公厅文件

郑政办〔2022〕20号

## 关于印发郑州市2022年稳就业工作任务分工的通知

2022年4月6日

各开发区管委会，各区县（市）人民政府，市人民政府各部门：现将任务分工印发给你们。

附件：2022年稳就业重点任务分工表

# 附件1

## 2022年稳就业重点任务分工表

| 序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限 |
|---|---|---|---|---|
| 1 | 开展高校毕业生就业服务 | 市人社局 | 各开发区、区县（市） | 2022年8月底前 |
| 2 | 落实援企稳岗政策 | 市人社局、市财政局 | 各开发区、区县（市） | 6月前 |
| 3 | 开展职业技能培训 | 市人社局 | 市教育局 | 每半年 |

# 附件2

2022年各地新增城镇就业目标

单位：人

地区	新增城镇就业	失业人员再就业
郑东新区	9000	1200
巩义市	6500	800
某某新区	100	10
合计	15600	2010

督办：市政府办公厅四处
`;

/** A Chinese text with no numbered items: a news item, not a task document. */
export const NEWS_ITEM = `郑州召开优化营商环境推进会

昨天上午，市政府召开优化营商环境推进会，总结前一阶段工作，安排部署下一步重点任务。会议要求，各单位要提高站位、压实责任，确保各项工作落到实处。
`;

/**
 * Variants of the genre in one document (Zhengzhou names, seeded registry):
 * a parenthesis with roles and a deadline, a "（牵头）" mark in a 责任单位 list,
 * role verbs inside a labelled value, a deadline-only parenthesis, "3月底前" in a
 * document dated in December (next year), 每季度, a sentence naming an unknown unit.
 */
export const VARIANTS = `郑州市人民政府办公厅文件

郑政办〔2021〕60号

关于印发郑州市2022年数字化转型工作要点的通知

2021年12月20日

一、夯实数字基础
1. 建设城市大脑。（市大数据局牵头，市财政局配合，2022年6月底前完成）
2. 推进5G网络建设，新建5G基站不少于3000个。
责任单位：市工信局（牵头）、郑州供电公司、各开发区、区县（市）
完成时限：3月底前
3. 完善数据共享平台。
责任单位：市大数据局牵头，市政务办配合
完成时限：2022年年底前
4. 推动企业上云（2022年9月底前完成）。
牵头单位：市工信局
责任单位：各开发区、区县（市）
二、强化组织保障
（一）建立工作专班。市工信局牵头，市委组织部、市人社局配合。
（二）加强调度通报。每月调度一次，每季度通报一次。
牵头单位：市政府办公厅四处
完成时限：每季度
（三）开展专项评估。市数字办牵头，市财政局配合。
（四）做好安全保障。
责任单位：各开发区、区县（市）负责
完成时限：2022年6月

督办：市政府办公厅四处
`;
