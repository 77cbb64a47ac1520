/**
 * Traditional → simplified, for the characters that matter to the importer:
 * field labels (牽頭單位, 責任單位, 配合單位, 完成時限, 督辦, 主辦), deadline and
 * target words (長期堅持, 每季度, 底前, 個以上, 不少於, 達到), document words
 * (關於印發…的通知, 鄭政辦〔2021〕34號, 附件, 印發) and the unit names of the
 * registry (鄭州市人民政府辦公廳, 市發展改革委, 市自然資源規劃局, 鞏義市, 滎陽市,
 * 管城回族區, 惠濟區, 各開發區、區縣(市), 園區運營中心, …).
 *
 * Only characters with a single simplified form are listed. Characters whose
 * simplified form depends on the word are left out on purpose: 乾 (乾坤 / 干),
 * 著 (著作 / 着), 瞭 (瞭望 / 了), 徵 (徵 / 征), 藉 (慰藉 / 借), 係 (关系 / 联系),
 * 餘 (余 / 馀), 隻, 麵. It is not a general converter: the text keeps every other
 * character as written, and the preview counts the characters replaced
 * (source.traditionalNormalised) and names them in a warning.
 */
const PAIRS =
  // labels, deadlines, targets, document words
  '牽牵頭头單单責责貳贰協协辦办時时間间務务廳厅處处長长堅坚達达於于為为個个萬万億亿項项畝亩戶户臺台條条場场' +
  '週周報报關关發发號号見见實实區区縣县開开經经鄭郑門门員员會会導导導导規规劃划統统計计總总內内屆届' +
  '頁页與与產产業业專专術术稅税財财資资環环衛卫農农國国數数據据態态電电氣气熱热來来鎮镇審审組组織织傳传編编' +
  '檢检察察備备應应監监創创黨党進进雙双橋桥團团學学楓枫楊杨鞏巩義义滎荥陽阳濟济東东園园運运營营圍围點点標标準准' +
  '劃划級级貫贯徹彻執执辦办領领導导簡简營营銷销樣样權权範范歸归屬属購购設设備备險险責责嚴严厲厉鬆松歲岁' +
  '層层產产車车過过這这樣样從从們们對对動动將将並并當当還还時时後后裡里現现問问題题處处與与幾几機机構构' +
  '體体認认評评價价濟济費费幣币舉举價价資资鑒鉴優优勢势務务點点輪轮較较區区線线網网絡络鏈链補补擴扩韌韧' +
  '綠绿鐵铁銀银錢钱門门閒闲閉闭開开關关陣阵隊队際际險险隨随雜杂難难靈灵韓韩頂顶順顺須须預预領领頻频題题類类' +
  '顯显風风飛飞館馆驗验體体髮发鬥斗魚鱼鳥鸟點点齊齐龍龙龜龟廣广慶庆應应懷怀戰战輔辅軍军週周進进運运違违選选' +
  '遷迁遺遗遠远適适邊边鄉乡鄰邻醫医釋释鑑鉴針针鋼钢錄录鍵键長长閱阅隸隶雖虽雲云電电靜静頁页項项順顺預预頓顿' +
  '頭头顧顾駐驻驅驱骯肮鬱郁礎础禮礼禦御種种稱称積积穩稳窮穷競竞筆笔節节範范築筑簽签籌筹糧粮紀纪約约紅红紡纺' +
  '細细組组結结絕绝給给統统絲丝經经綜综維维網网緊紧線线練练縮缩績绩總总繼继續续罰罚罷罢職职聯联聽听肅肃腦脑' +
  '臨临與与興兴舊旧藝艺萬万葉叶著著蘇苏蘭兰號号處处蟲虫補补裝装複复製制襲袭規规視视覺觉覽览觀观訂订計计訊讯' +
  '討讨訓训記记許许設设訪访證证評评詞词試试詳详誠诚話话該该認认語语誤误說说調调談谈請请論论諮咨謀谋講讲' +
  '謝谢護护讀读變变讓让財财貨货販贩貧贫購购貸贷費费資资賓宾賠赔賦赋質质賴赖贊赞趕赶趨趋躍跃軌轨軟软載载輕轻' +
  '輸输辦办農农邁迈郵邮鄉乡酬酬醬酱錯错鍊炼鎖锁鑄铸門门閃闪閣阁闆板闊阔隱隐雞鸡離离雙双霧雾靂雳' +
  '強强參参確确獎奖懲惩勵励歷历曆历滿满擔担揚扬獲获穫获劑剂盡尽儘尽攜携擁拥頒颁佈布壓压廢废啟启稅税';

/** The mapping, built once from PAIRS (duplicates in PAIRS are harmless; conflicting pairs are a bug). */
export const TRADITIONAL_TO_SIMPLIFIED: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  const chars = Array.from(PAIRS);
  if (chars.length % 2 !== 0) throw new Error('traditional.ts: PAIRS must hold pairs of characters');
  for (let i = 0; i < chars.length; i += 2) {
    const [t, s] = [chars[i]!, chars[i + 1]!];
    if (t === s) continue; // identical pairs (察察, 著著, 酬酬) document a character that stays
    const known = map.get(t);
    if (known !== undefined && known !== s) throw new Error(`traditional.ts: ${t} maps to both ${known} and ${s}`);
    map.set(t, s);
  }
  return map;
})();

/** Replaces the listed traditional characters; returns the text and how many characters changed. */
export function toSimplified(text: string): { text: string; replaced: number; samples: string[] } {
  let replaced = 0;
  const seen = new Map<string, number>();
  let out = '';
  for (const ch of text) {
    const s = TRADITIONAL_TO_SIMPLIFIED.get(ch);
    if (s === undefined) {
      out += ch;
      continue;
    }
    replaced++;
    seen.set(ch, (seen.get(ch) ?? 0) + 1);
    out += s;
  }
  const samples = [...seen.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 6)
    .map(([t, n]) => `${t}→${TRADITIONAL_TO_SIMPLIFIED.get(t)}×${n}`);
  return { text: out, replaced, samples };
}
