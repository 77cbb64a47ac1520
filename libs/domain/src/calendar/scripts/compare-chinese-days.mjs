#!/usr/bin/env node
/**
 * Cross-check of data/cn-official.json against the `chinese-days` npm package.
 *
 * Maintenance aid for the yearly update (the State Council publishes the next
 * year's 部分节假日安排 notice each autumn). It is NOT a test and adds no
 * dependency to the project: install chinese-days outside the repository, e.g.
 *
 *   mkdir /tmp/cd && cd /tmp/cd && npm init -y && npm i chinese-days
 *   node libs/domain/src/calendar/scripts/compare-chinese-days.mjs \
 *        /tmp/cd/node_modules/chinese-days/dist/chinese-days.json [fromYear toYear]
 *
 * For every day of the compared years it classifies the day from both sources
 * (working day or day off) and prints:
 *   - WORKING-DAY disagreements (these change deadlines: resolve them against the notice);
 *   - label-only differences (a day listed as holiday in one source and as a plain
 *     weekend in the other: no effect on working-day arithmetic).
 * Exit code 1 when there is any working-day disagreement.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [, , otherPath, fromArg, toArg] = process.argv;
if (!otherPath) {
  console.error('usage: compare-chinese-days.mjs <path to chinese-days/dist/chinese-days.json> [fromYear toYear]');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const ours = JSON.parse(readFileSync(join(here, '..', 'data', 'cn-official.json'), 'utf8'));
const theirs = JSON.parse(readFileSync(otherPath, 'utf8'));

const fromYear = Number(fromArg ?? Math.min(...ours.years));
const toYear = Number(toArg ?? Math.max(...ours.years));

const ourHoliday = new Map();
const ourMakeup = new Map();
for (const year of ours.years) {
  for (const h of ours.calendar[String(year)].holidays) ourHoliday.set(h.date, h.name);
  for (const w of ours.calendar[String(year)].makeupWorkdays) ourMakeup.set(w.date, w.name);
}
const label = (value) => String(value).split(',')[1] ?? String(value);

let workingDisagreements = 0;
let labelDifferences = 0;
for (let year = fromYear; year <= toYear; year++) {
  const covered = ours.years.includes(year);
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const weekend = [0, 6].includes(new Date(t).getUTCDay());
    const theirHoliday = theirs.holidays[date];
    const theirMakeup = theirs.workdays[date];
    const theirsWorking = theirMakeup !== undefined ? true : theirHoliday !== undefined ? false : !weekend;
    const oursWorking = !covered
      ? undefined
      : ourMakeup.has(date) ? true : ourHoliday.has(date) ? false : !weekend;
    if (oursWorking === undefined) continue;
    if (oursWorking !== theirsWorking) {
      workingDisagreements++;
      console.log(
        `WORKING-DAY ${date}: ours=${oursWorking ? 'working' : 'off'}` +
          ` (${ourHoliday.get(date) ?? ourMakeup.get(date) ?? (weekend ? 'weekend' : 'weekday')})` +
          `, chinese-days=${theirsWorking ? 'working' : 'off'}` +
          ` (${theirHoliday ? label(theirHoliday) : theirMakeup ? label(theirMakeup) + ' 调休' : weekend ? 'weekend' : 'weekday'})`,
      );
    } else if (ourHoliday.has(date) !== (theirHoliday !== undefined) || ourMakeup.has(date) !== (theirMakeup !== undefined)) {
      labelDifferences++;
      console.log(
        `label-only  ${date}: ours=${ourHoliday.get(date) ?? ourMakeup.get(date) ?? '-'}` +
          `, chinese-days=${theirHoliday ? label(theirHoliday) : theirMakeup ? label(theirMakeup) : '-'}`,
      );
    }
  }
}
console.log(
  `compared ${fromYear}-${toYear}: ${workingDisagreements} working-day disagreement(s), ${labelDifferences} label-only difference(s)`,
);
process.exit(workingDisagreements > 0 ? 1 : 0);
