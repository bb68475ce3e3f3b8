// The browser check of the comparison and history pages: runs mizan twice on prepared data with
// two versions of an extractor, writes `mizan compare --html` and `mizan history --html`,
// opens them from disk in headless Chromium and checks that they are safe (no network request,
// no dialog, no injected element or script), that the fixed, regressed and other spans on the
// page equal `mizan compare --json`'s, that Arabic is laid out right to left, and that the two
// versions of an article stand side by side (stacked on a narrow window). Screenshots go to
// target/browser/; it ends with `browser: N passed, M failed` (exit 1 on any failure).
//
//   node tests/browser/check_compare.mjs [--mizan target/debug/mizan] [--chromium /usr/bin/chromium]
//                                        [--out target/browser] [--articles 200]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { check, checkSafety, launch, open, parseOptions, root, tally } from './harness.mjs';

process.chdir(root);
const options = parseOptions({ mizan: 'target/debug/mizan', chromium: '/usr/bin/chromium', out: 'target/browser', articles: '200' },
  'node tests/browser/check_compare.mjs [--mizan PATH] [--chromium PATH] [--out DIR] [--articles N]');
const REPLAY = path.resolve('tests/data/browser/replay.py');

function mizan(args, { allowed = [0] } = {}) {
  const result = spawnSync(options.mizan, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.error || !allowed.includes(result.status)) {
    throw new Error(`mizan ${args.join(' ')} exited ${result.status}: ${result.error || result.stderr}`);
  }
  return result;
}

const readJsonl = (file) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const writeJsonl = (file, rows) => fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

// Runs the `replay` extractor answering from `predictions` into `out`; the name stays the same
// across versions so that compare matches them.
function runVersion(dir, name, predictions, data, layers) {
  const registry = path.join(dir, `${name}.toml`);
  fs.writeFileSync(registry, `[extractor.replay]\nkind = "command"\ncommand = ["python3", ${JSON.stringify(REPLAY)}, ${JSON.stringify(path.resolve(predictions))}]\nversion = "${name}"\nlayers = ${JSON.stringify(layers)}\n`);
  const out = path.join(dir, name);
  fs.rmSync(out, { recursive: true, force: true });
  // An extractor that fails on an article exits 1 and still writes the report.
  mizan(['run', '--articles', data.articles, '--gold', data.gold, '--registry', registry, '--extractor', 'replay', '--bootstrap', '0', '-q', '--out', out], { allowed: [0, 1] });
  return out;
}

const browser = await launch(options.chromium);

// Every view of the page with all changes and all articles shown: the changes by kind in the
// table rows and in the marked chips of the later version equal the JSON's.
async function checkCounts(page, comparison, label) {
  const sets = comparison.extractors.flatMap((e) => e.layers.flatMap((l) => l.changed.filter((c) => c.available).map((c) => ({ e: e.name, l: l.layer, c }))));
  const views = await page.$$eval('#f-view option', (options) => options.map((o) => o.value));
  check(`${label}: one view per extractor, layer and later report`, views.length === sets.length, `${views.length} vs ${sets.length}`);
  await page.selectOption('#f-kind', '');
  await page.selectOption('#f-size', '0');
  for (const [k, set] of sets.entries()) {
    await page.selectOption('#f-view', String(k));
    const dom = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('#articles table.changes tbody tr')].map((r) => r.dataset.kind);
      const chips = [...document.querySelectorAll('#articles .version[data-side="1"] .chip[data-change]')].map((c) => c.dataset.change);
      const count = (list, kind) => list.filter((x) => x === kind).length;
      return {
        cards: document.querySelectorAll('#articles article.card').length,
        fixed: count(rows, 'fixed'), regressed: count(rows, 'regressed'), other: rows.length - count(rows, 'fixed') - count(rows, 'regressed'),
        chipsFixed: count(chips, 'fixed'), chipsRegressed: count(chips, 'regressed'),
      };
    });
    const expected = { cards: set.c.articles.length, fixed: set.c.fixed, regressed: set.c.regressed, other: set.c.other };
    check(`${label}: ${set.e}/${set.l} changed articles and spans on the page equal the JSON's`,
      ['cards', 'fixed', 'regressed', 'other'].every((key) => dom[key] === expected[key]), `DOM ${JSON.stringify(dom)} vs JSON ${JSON.stringify(expected)}`);
    if (comparison.reports.length && dom.cards && (await page.$('#articles .version'))) {
      check(`${label}: ${set.e}/${set.l} fixed and regressed chips are marked in the later version`,
        dom.chipsFixed === set.c.fixed && dom.chipsRegressed === set.c.regressed, JSON.stringify(dom));
    }
  }
}

async function checkAdversarial() {
  const dir = path.join(options.out, 'compare-adversarial');
  fs.mkdirSync(dir, { recursive: true });
  const data = { articles: 'tests/data/browser/articles.jsonl', gold: 'tests/data/browser/gold.jsonl' };
  // The later version: the gold for adv-1 (fixes), nothing for the article whose id holds
  // markup (regressions), and a spurious span added to the Latin article.
  const gold = readJsonl(data.gold);
  const before = readJsonl('tests/data/browser/predictions.jsonl');
  const after = [
    ...gold.filter((s) => s.article_id === 'adv-1'),
    ...before.filter((s) => s.article_id !== 'adv-1' && s.article_id !== 'adv"<b>2</b>'),
    { article_id: 'latin-1', layer: 'ner', start: 17, end: 20, label: 'MISC' },
  ];
  writeJsonl(path.join(dir, 'after.jsonl'), after);
  const a = runVersion(dir, 'a', 'tests/data/browser/predictions.jsonl', data, ['ner', 'quote']);
  const b = runVersion(dir, 'b', path.join(dir, 'after.jsonl'), data, ['ner', 'quote']);
  const file = path.join(options.out, 'compare-adversarial.html');
  const textArgs = ['--articles', data.articles, '--gold', data.gold];
  const comparison = JSON.parse(mizan(['compare', a, b, '--json', '--trials', '2000', ...textArgs, '--html', file]).stdout);
  const kinds = new Set(comparison.extractors.flatMap((e) => e.layers.flatMap((l) => l.changed.flatMap((c) => c.articles.flatMap((x) => x.changes.map((ch) => ch.kind))))));
  check('adversarial: the two versions differ in every kind of change', ['fixed', 'regressed', 'changed', 'spurious_added', 'spurious_removed'].every((k) => kinds.has(k)), [...kinds].join(' '));

  const session = await open(browser, file);
  const { page } = session;
  await checkCounts(page, comparison, 'adversarial');
  const ner = comparison.extractors[0].layers.findIndex((l) => l.layer === 'ner');
  await page.selectOption('#f-view', String(ner));
  const text = await page.$eval('#articles', (node) => {
    const copy = node.cloneNode(true);
    copy.querySelectorAll('.chip, table').forEach((n) => n.remove());
    return copy.textContent;
  });
  check('adversarial: markup in the text is shown as text', text.includes('<script>window.__pwned=1;alert(1)</script>') && text.includes('<img src=x onerror=alert(1)>'));
  const ids = await page.$$eval('#articles article.card h3', (nodes) => nodes.map((n) => n.textContent));
  check('adversarial: an id with markup is shown as text', ids.includes('adv"<b>2</b>'), ids.join(' | '));
  const rtl = await page.$$eval('article[data-article="adv-1"] .version .text', (nodes) => nodes.map((n) => [getComputedStyle(n).direction, n.lang].join(' ')));
  check('adversarial: both versions of an Arabic article are laid out right to left', rtl.length === 2 && rtl.every((d) => d === 'rtl ar'), rtl.join(', '));
  const latin = await page.$eval('article[data-article="latin-1"] .version .text', (n) => getComputedStyle(n).direction).catch(() => 'missing');
  check('adversarial: a Latin article keeps its own direction', latin === 'ltr', latin);

  // The tooltip over a chip of the later version names both sides.
  const chip = page.locator('article[data-article="adv-1"] .version[data-side="1"] .chip[data-change="fixed"]').first();
  await chip.hover();
  const tip = await page.$eval('#tip', (n) => (n.hidden ? '' : n.textContent));
  check('adversarial: hovering a changed chip shows gold and prediction', tip.includes('gold') && tip.includes('predicted'), tip);
  await page.mouse.move(0, 0);

  // The kind filter leaves only that kind of change, and articles that have one.
  for (const kind of ['fixed', 'regressed', 'other']) {
    await page.selectOption('#f-kind', kind);
    const rows = await page.$$eval('#articles table.changes tbody tr', (trs) => trs.map((t) => t.dataset.kind));
    const ok = rows.length > 0 && rows.every((r) => (kind === 'other' ? r !== 'fixed' && r !== 'regressed' : r === kind));
    check(`adversarial: the ${kind} filter leaves only ${kind} changes`, ok, rows.join(' '));
  }
  await page.selectOption('#f-kind', '');
  await page.locator('article[data-article="adv-1"]').screenshot({ path: path.join(options.out, 'compare-adversarial.png') });
  await checkSafety(session, 'adversarial comparison');
  await session.context.close();
}

// A generated dataset of `n` news articles and two versions of an extractor, the later one
// worse: the realistic page, its layout, and its speed.
async function checkGenerated(n) {
  const dir = path.join(options.out, 'compare-data');
  fs.mkdirSync(dir, { recursive: true });
  const sentences = [
    ['قال وزير الخارجية الروسي سيرغي لافروف في موسكو إن روسيا وبريطانيا شريكان في مكافحة الإرهاب', [['سيرغي لافروف', 'PER'], ['موسكو', 'LOC'], ['روسيا', 'LOC'], ['بريطانيا', 'LOC']]],
    ['زار الرئيس بشار الأسد مدينة حلب والتقى محافظ حلب حسين دياب وأعضاء مجلس المحافظة', [['بشار الأسد', 'PER'], ['حلب', 'LOC'], ['حسين دياب', 'PER'], ['مجلس المحافظة', 'ORG']]],
    ['أعلنت وزارة الصحة السورية في دمشق افتتاح مشفى جديد في اللاذقية بدعم من منظمة الصحة العالمية', [['وزارة الصحة السورية', 'ORG'], ['دمشق', 'LOC'], ['اللاذقية', 'LOC'], ['منظمة الصحة العالمية', 'ORG']]],
  ];
  const articles = [];
  const gold = [];
  const before = [];
  const after = [];
  for (let i = 0; i < n; i += 1) {
    const [text, spans] = sentences[i % 3];
    const id = `sana-${String(i).padStart(4, '0')}`;
    articles.push({ id, text: `دمشق-سانا\n${text}. (${i})` });
    const full = `دمشق-سانا\n${text}`;
    spans.forEach(([word, label], j) => {
      // Searched after the dateline, which has a word of the text too (دمشق).
      const start = Array.from(full.slice(0, full.indexOf(word, 10))).length;
      const span = { article_id: id, start, end: start + Array.from(word).length, label };
      gold.push(span);
      const noise = (i * 7 + j * 5) % 11;
      if (noise !== 0) before.push(span); // the earlier version misses a few
      if (noise === 3 || noise === 6) return; // the later one misses others
      if (noise === 4) after.push({ ...span, label: label === 'PER' ? 'ORG' : 'PER' });
      else if (noise === 5) after.push({ ...span, start: span.start - 2 });
      else after.push(span);
    });
    if (i % 9 === 0) after.push({ article_id: id, start: 10, end: 13, label: 'PER' });
  }
  writeJsonl(path.join(dir, 'articles.jsonl'), articles);
  writeJsonl(path.join(dir, 'gold.jsonl'), gold);
  writeJsonl(path.join(dir, 'before.jsonl'), before);
  writeJsonl(path.join(dir, 'after.jsonl'), after);
  const data = { articles: path.join(dir, 'articles.jsonl'), gold: path.join(dir, 'gold.jsonl') };
  const a = runVersion(dir, 'a', path.join(dir, 'before.jsonl'), data, ['ner']);
  const b = runVersion(dir, 'b', path.join(dir, 'after.jsonl'), data, ['ner']);
  const file = path.join(options.out, 'compare.html');
  const started = Date.now();
  const result = mizan(['compare', a, b, '--json', '--fail-on-regression', '0.01', '--articles', data.articles, '--gold', data.gold, '--html', file], { allowed: [1] });
  console.log(`# compare of ${n} articles (10,000 trials, 1,000 resamples, debug build): ${Date.now() - started} ms`);
  const comparison = JSON.parse(result.stdout);
  check('generated: the gate names the regression', /regression in B: replay on ner: strict F1/.test(result.stderr), result.stderr);

  const session = await open(browser, file);
  const { page } = session;
  await checkCounts(page, comparison, 'generated');
  await page.selectOption('#f-size', '20');
  await page.screenshot({ path: path.join(options.out, 'compare.png') });
  const positions = await page.$$eval('#articles article.card:first-child .version', (nodes) => nodes.map((n) => n.getBoundingClientRect()).map((r) => [r.left, r.top]));
  check('generated: the first report\'s version is left of the later one', positions.length === 2 && positions[0][0] < positions[1][0] && positions[0][1] === positions[1][1], JSON.stringify(positions));
  await page.evaluate(() => document.getElementById('changes').scrollIntoView());
  await page.screenshot({ path: path.join(options.out, 'compare-changes.png') });
  await page.locator('#articles article.card').first().screenshot({ path: path.join(options.out, 'compare-article.png') });
  await checkSafety(session, 'generated comparison');
  await session.context.close();

  const narrow = await open(browser, file, { width: 640, height: 900 });
  const stacked = await narrow.page.$$eval('#articles article.card:first-child .version', (nodes) => nodes.map((n) => n.getBoundingClientRect()).map((r) => [r.left, r.top]));
  check('generated: on a narrow window the versions are stacked, the first report on top', stacked.length === 2 && stacked[0][1] < stacked[1][1] && stacked[0][0] === stacked[1][0], JSON.stringify(stacked));
  await narrow.page.evaluate(() => document.getElementById('articles').scrollIntoView());
  await narrow.page.screenshot({ path: path.join(options.out, 'compare-narrow.png') });
  await narrow.context.close();

  // The history page of the two versions: a chart per extractor and layer, and no script.
  const history = path.join(options.out, 'history.html');
  mizan(['history', a, b, '--html', history]);
  const h = await open(browser, history, { ready: false });
  const lines = await h.page.$$eval('svg.history polyline', (nodes) => nodes.length);
  check('history: a line per scheme', lines === 4, `${lines} lines`);
  await h.page.screenshot({ path: path.join(options.out, 'history.png') });
  await checkSafety(h, 'history', 0);
  await h.context.close();
}

try {
  fs.mkdirSync(options.out, { recursive: true });
  await checkAdversarial();
  await checkGenerated(Number(options.articles));
} catch (error) {
  check(String(error.stack || error), false);
} finally {
  await browser.close();
}
console.log(`screenshots in ${options.out}/`);
console.log(`browser: ${tally.passed} passed, ${tally.failed} failed`);
process.exit(tally.failed ? 1 : 0);
