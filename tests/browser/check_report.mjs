// The browser check of report.html: runs mizan on prepared datasets, opens each report.html
// from disk in headless Chromium (Debian's, driven by playwright-core) and checks that the
// page is safe (no network request, no dialog, no injected element or script), that the
// highlighted spans add up to the report's counts, that the filters work and that Arabic is
// laid out right to left. It writes screenshots under target/browser/ and ends with
// `browser: N passed, M failed` (exit 1 on any failure).
//
//   node tests/browser/check_report.mjs [--mizan target/debug/mizan] [--chromium /usr/bin/chromium]
//                                       [--out target/browser] [--scale 1000]
//
// playwright-core is looked up in target/node/node_modules (`.ci/run` installs it there), or
// wherever Node finds it. `--scale 0` skips the timing run over generated articles.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { check, checkSafety, launch, open as openPage, parseOptions, root, tally } from './harness.mjs';

process.chdir(root);
const options = parseOptions({ mizan: 'target/debug/mizan', chromium: '/usr/bin/chromium', out: 'target/browser', scale: '1000' },
  'node tests/browser/check_report.mjs [--mizan PATH] [--chromium PATH] [--out DIR] [--scale N]');

// Runs mizan; a run where an extractor failed on some article exits 1 and still writes.
function runMizan(args, out) {
  fs.rmSync(out, { recursive: true, force: true });
  const result = spawnSync(options.mizan, ['run', ...args, '--out', out, '--bootstrap', '200'], { encoding: 'utf8' });
  if (result.error || !fs.existsSync(path.join(out, 'report.html'))) {
    console.error(result.error ? String(result.error) : result.stderr);
    throw new Error(`mizan run ${args.join(' ')} wrote no report.html`);
  }
  return JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
}

const browser = await launch(options.chromium);
const open = (file) => openPage(browser, file);

async function select(page, id, value) {
  await page.selectOption(`#${id}`, value);
}

async function showAll(page, extractor, layer) {
  await select(page, 'f-extractor', extractor);
  await select(page, 'f-layer', layer);
  await select(page, 'f-label', '');
  await select(page, 'f-outcome', '');
  await select(page, 'f-size', '0');
}

// Chips by outcome in the DOM: one chip per gold span, prediction or pair.
async function chipCounts(page) {
  return page.evaluate(() => {
    const counts = {};
    for (const chip of document.querySelectorAll('#articles .chip')) counts[chip.dataset.outcome] = (counts[chip.dataset.outcome] || 0) + 1;
    return counts;
  });
}

// The report's counts that each outcome adds up to (docs/report-html.md).
function expectedFromReport(layerReport) {
  const { strict, exact, partial, type } = layerReport.overall;
  return {
    'correct': strict.correct,
    'wrong-type': exact.correct - strict.correct,
    'wrong-boundary': type.correct - strict.correct,
    'wrong-boundary-and-type': partial.partial - (type.correct - strict.correct),
    'missed': strict.missed,
    'spurious': strict.spurious,
  };
}

async function checkCounts(page, report, label) {
  for (const [extractor, extractorReport] of Object.entries(report.extractors)) {
    for (const [layer, layerReport] of Object.entries(extractorReport.layers)) {
      await showAll(page, extractor, layer);
      const counts = await chipCounts(page);
      const expected = expectedFromReport(layerReport);
      const mismatch = Object.keys(expected).filter((o) => (counts[o] || 0) !== expected[o]);
      check(`${label}: ${extractor}/${layer} spans by outcome equal the report's counts`, mismatch.length === 0,
        `DOM ${JSON.stringify(counts)} vs report ${JSON.stringify(expected)}`);
      const incorrect = (counts['wrong-type'] || 0) + (counts['wrong-boundary'] || 0) + (counts['wrong-boundary-and-type'] || 0);
      check(`${label}: ${extractor}/${layer} wrong type + boundary = strict incorrect`, incorrect === layerReport.overall.strict.incorrect);
    }
  }
}

async function checkAdversarial() {
  const out = path.join(options.out, 'adversarial');
  const data = 'tests/data/browser';
  const report = runMizan(['--articles', `${data}/articles.jsonl`, '--gold', `${data}/gold.jsonl`, '--registry', `${data}/extractors.toml`,
    '--extractor', 'oracle,replay'], out);
  const session = await open(path.join(out, 'report.html'));
  const { page } = session;
  await checkCounts(page, report, 'adversarial');

  // Every span of every outcome is on the page, after hovering and focusing some.
  await showAll(page, 'replay', 'ner');
  const text = await page.$eval('#articles', (node) => {
    const copy = node.cloneNode(true);
    copy.querySelectorAll('.chip').forEach((chip) => chip.remove());
    return copy.textContent;
  });
  check('adversarial: markup in the text is shown as text', text.includes('<script>window.__pwned=1;alert(1)</script>') && text.includes('<img src=x onerror=alert(1)>'));
  const rtl = await page.$eval('article[data-article="adv-1"] .text', (node) => [getComputedStyle(node).direction, node.lang]);
  check('adversarial: Arabic text is laid out right to left', rtl[0] === 'rtl' && rtl[1] === 'ar', rtl.join(' '));
  const latin = await page.$eval('article[data-article="latin-1"] .text', (node) => [getComputedStyle(node).direction, node.dir]);
  check('adversarial: Latin text is laid out by its own direction', latin[0] === 'ltr' && latin[1] === 'auto', latin.join(' '));
  const controls = await page.$$eval('article[data-article="adv-1"] .ctl', (nodes) => nodes.map((n) => n.textContent));
  check('adversarial: bidi controls are shown as marks', ['RLO', 'RLM', 'LRI', 'PDI'].every((c) => controls.includes(c)), controls.join(' '));
  const oddId = await page.$$eval('article.card', (cards) => cards.some((c) => c.dataset.article === 'adv"<b>2</b>' && c.querySelector('h3').textContent === 'adv"<b>2</b>'));
  check('adversarial: an id with markup is shown as text', oddId);
  const failedBadge = await page.$eval('article[data-article="fail-1"] .failed', (n) => n.textContent).catch(() => '');
  check('adversarial: a failed article shows its error as text', failedBadge.includes('<script>alert(3)</script>'), failedBadge);

  // The offsets land on the right characters, past an astral-plane emoji too.
  await showAll(page, 'oracle', 'ner');
  const oracleSegments = await page.$$eval('article[data-article="adv-1"] .seg', (nodes) => nodes.map((n) => n.textContent));
  const gold = fs.readFileSync(`${data}/gold.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((s) => s.article_id === 'adv-1' && s.layer === 'ner').map((s) => s.text);
  check('adversarial: highlighted text equals the gold spans', JSON.stringify(oracleSegments) === JSON.stringify(gold), `${oracleSegments} vs ${gold}`);

  // Tooltips on hover and on keyboard focus, with the gold and predicted sides.
  await showAll(page, 'replay', 'quote');
  const chip = page.locator('article[data-article="adv-1"] .chip').first();
  await chip.hover();
  const hovered = await page.$eval('#tip', (n) => (n.hidden ? '' : n.textContent));
  check('adversarial: hovering a chip shows gold and predicted attributes', hovered.includes('gold') && hovered.includes('predicted') && hovered.includes('<b onmouseover=alert(6)>جونسون</b>') && hovered.includes('attributes differ'), hovered);
  await page.mouse.move(0, 0);
  await page.focus('#f-size');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({ chip: document.activeElement?.classList.contains('chip'), label: document.activeElement?.getAttribute('aria-label') || '', tip: document.getElementById('tip').hidden ? '' : document.getElementById('tip').textContent }));
  check('adversarial: a chip takes keyboard focus, with a tooltip and an aria-label', focused.chip && focused.tip.includes('gold') && focused.label.includes('gold') && focused.label.includes('predicted'), JSON.stringify(focused));

  // Filters: an outcome leaves only its spans and the articles that have them.
  await showAll(page, 'replay', 'ner');
  for (const outcome of ['missed', 'spurious', 'wrong-type', 'correct']) {
    await select(page, 'f-outcome', outcome);
    const left = await page.evaluate(() => ({
      chips: [...document.querySelectorAll('#articles .chip')].map((c) => c.dataset.outcome),
      cards: [...document.querySelectorAll('#articles article.card')].map((c) => c.querySelectorAll('.chip').length),
    }));
    const expected = expectedFromReport(report.extractors.replay.layers.ner)[outcome];
    check(`adversarial: outcome filter ${outcome} leaves only its spans`, left.chips.length === expected && left.chips.every((o) => o === outcome) && left.cards.every((n) => n > 0),
      JSON.stringify(left));
  }
  await select(page, 'f-outcome', '');
  await select(page, 'f-label', 'PER');
  const perOnly = await page.$$eval('#articles .chip', (chips) => chips.map((c) => c.getAttribute('aria-label')));
  check('adversarial: the label filter keeps spans with that label', perOnly.length > 0 && perOnly.every((l) => /\bPER\b/.test(l)), perOnly.join(' | '));
  await select(page, 'f-label', '');
  const before = (await page.$$('#articles .chip')).length;
  await select(page, 'f-extractor', 'oracle');
  await select(page, 'f-layer', 'ner');
  const after = await chipCounts(page);
  check('adversarial: choosing another extractor shows its spans', before !== Object.values(after).reduce((a, b) => a + b, 0) && Object.keys(after).join() === 'correct', JSON.stringify(after));
  const order = await (async () => {
    await showAll(page, 'replay', 'ner');
    return page.$$eval('#articles article.card .count', (nodes) => nodes.map((n) => parseInt(n.textContent, 10)));
  })();
  check('adversarial: articles are sorted by errors, most first', order.every((n, i) => i === 0 || order[i - 1] >= n) && order[0] > 0, order.join(','));

  await showAll(page, 'replay', 'ner');
  await page.locator('#browser').screenshot({ path: path.join(options.out, 'adversarial.png') });
  await checkSafety(session, 'adversarial');
  await session.context.close();
}

async function checkSana() {
  const out = path.join(options.out, 'sana');
  const report = runMizan(['sana', '--registry', 'examples/extractors/extractors.toml', '--extractor', 'oracle,py-quotes'], out);
  const session = await open(path.join(out, 'report.html'));
  const { page } = session;
  await checkCounts(page, report, 'sana');
  await showAll(page, 'py-quotes', 'quote');
  const direction = await page.$eval('#articles .text', (node) => getComputedStyle(node).direction);
  check('sana: the article is laid out right to left', direction === 'rtl', direction);
  await page.screenshot({ path: path.join(options.out, 'sana.png'), fullPage: false });
  await page.locator('#articles article.card').first().screenshot({ path: path.join(options.out, 'sana-article.png') });
  await page.locator('#browser').scrollIntoViewIfNeeded();
  await page.locator('#articles .chip:not(.o-correct)').first().hover();
  await page.screenshot({ path: path.join(options.out, 'sana-browser.png'), fullPage: false });
  await page.mouse.move(0, 0);
  await showAll(page, 'oracle', 'ner');
  await page.locator('#articles article.card').first().screenshot({ path: path.join(options.out, 'sana-ner.png') });
  await page.locator('#articles details.spans summary').first().click();
  // The table is built on the toggle event, which comes after the click.
  await page.locator('#articles details.spans table').first().waitFor({ timeout: 5000 }).catch(() => {});
  const tableRows = await page.locator('#articles details.spans table tbody tr').count();
  check('sana: the table of an article\'s spans opens', tableRows === report.extractors.oracle.layers.ner.gold_spans, `${tableRows} rows`);
  await checkSafety(session, 'sana');
  await session.context.close();
}

// A generated dataset of `n` copies of the sana article with its gold, and an extractor that
// answers with the gold, perturbed: timing of the page on a realistic size.
async function checkScale(n) {
  const dir = path.join(options.out, 'scale-data');
  fs.mkdirSync(dir, { recursive: true });
  const text = fs.readFileSync('datasets/sana/000_f448dd176493aaea.txt', 'utf8');
  const gold = ['ner', 'quote', 'dateline'].flatMap((layer) => fs.readFileSync(`gold/sana/${layer}.jsonl`, 'utf8').trim().split('\n').map((l) => ({ ...JSON.parse(l), layer })));
  const articles = [];
  const goldLines = [];
  const predLines = [];
  for (let k = 0; k < n; k += 1) {
    const id = `a${String(k).padStart(5, '0')}`;
    articles.push(JSON.stringify({ id, text, split: k % 5 ? 'train' : 'test' }));
    gold.forEach((span, j) => {
      goldLines.push(JSON.stringify({ ...span, article_id: id }));
      const noise = (k * 31 + j * 17) % 23;
      if (noise === 0) return; // missed
      const pred = { ...span, article_id: id };
      delete pred.text;
      if (noise === 1) pred.label = span.label === 'PER' ? 'ORG' : 'PER';
      if (noise === 2) pred.start = Math.max(0, span.start - 3);
      predLines.push(JSON.stringify(pred));
      if (noise === 3) predLines.push(JSON.stringify({ ...pred, start: pred.end + 1, end: pred.end + 4, label: 'MISC' }));
    });
  }
  fs.writeFileSync(path.join(dir, 'articles.jsonl'), articles.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'gold.jsonl'), goldLines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'predictions.jsonl'), predLines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'extractors.toml'),
    `[extractor.replay]\nkind = "command"\ncommand = ["python3", "${path.resolve('tests/data/browser/replay.py')}", "predictions.jsonl"]\nversion = "1"\nlayers = ["ner", "quote", "dateline"]\n`);
  const out = path.join(options.out, 'scale');
  const report = runMizan(['--articles', path.join(dir, 'articles.jsonl'), '--gold', path.join(dir, 'gold.jsonl'), '--registry', path.join(dir, 'extractors.toml'),
    '--extractor', 'oracle,replay'], out);
  const bytes = fs.statSync(path.join(out, 'report.html')).size;
  const session = await open(path.join(out, 'report.html'));
  const { page, loadMs } = session;
  const cards = (await page.$$('#articles article.card')).length;
  const readyMs = Math.round(await page.evaluate(() => performance.getEntriesByName('mizan-ready')[0].startTime));
  console.log(`# ${n} articles: report.html ${bytes} bytes; first page (${cards} articles) ready ${readyMs} ms after navigation (${loadMs} ms with the test's own overhead)`);
  check(`scale: ${n} articles load within 10 s`, readyMs < 10000, `${readyMs} ms`);
  let started = Date.now();
  await select(page, 'f-outcome', 'missed');
  const filterMs = Date.now() - started;
  started = Date.now();
  await showAll(page, 'replay', 'ner');
  const allMs = Date.now() - started;
  const counts = await chipCounts(page);
  console.log(`# ${n} articles: a filter takes ${filterMs} ms; showing all ${n} articles of replay/ner takes ${allMs} ms`);
  const expected = expectedFromReport(report.extractors.replay.layers.ner);
  check(`scale: all ${n} articles shown add up to the report's counts`, Object.keys(expected).every((o) => (counts[o] || 0) === expected[o]), `${JSON.stringify(counts)} vs ${JSON.stringify(expected)}`);
  await checkSafety(session, 'scale');
  await session.context.close();
}

try {
  fs.mkdirSync(options.out, { recursive: true });
  await checkAdversarial();
  await checkSana();
  if (Number(options.scale) > 0) await checkScale(Number(options.scale));
} catch (error) {
  check(String(error.stack || error), false);
} finally {
  await browser.close();
}
console.log(`screenshots in ${options.out}/`);
console.log(`browser: ${tally.passed} passed, ${tally.failed} failed`);
process.exit(tally.failed ? 1 : 0);
