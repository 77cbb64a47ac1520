/**
 * The project's own example documents (examples/documents, see its README):
 * written for Duban in the layouts of real 公文, with the Zhengzhou registry's
 * unit names. Every test that must always run reads these.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EXAMPLES_DIR = join(__dirname, '../../../../examples/documents');

export const EXAMPLES = {
  /** 郑政办〔2026〕8号: fields on their own lines, an annex target table by unit (单位：家). */
  workPlan: '01-work-plan.txt',
  /** 郑政办〔2026〕11号: responsibilities and deadlines in parentheses at the end of paragraphs. */
  parentheses: '02-parentheses.txt',
  /** 郑政办〔2026〕15号: a tab-separated 任务分工表, two rows led by 各产业集聚区 (members unknown). */
  divisionTable: '03-division-table.txt',
  /** 郑政办文〔2026〕2号: a 通报 without tasks, its annex a numbered list. */
  bulletin: '04-bulletin.txt',
} as const;

export type ExampleName = keyof typeof EXAMPLES;

export const exampleFile = (name: ExampleName): string => join(EXAMPLES_DIR, EXAMPLES[name]);
export const example = (name: ExampleName): string => readFileSync(exampleFile(name), 'utf8');

/** What the group 各开发区、区县(市) expands to, in the registry's order. */
export const THE_16 = [
  '郑州航空港区', '郑东新区', '郑州高新区', '郑州经开区', '巩义市', '新郑市', '登封市', '荥阳市', '新密市', '中牟县',
  '二七区', '管城回族区', '惠济区', '金水区', '中原区', '上街区',
];
