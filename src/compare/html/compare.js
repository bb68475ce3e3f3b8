// The comparison page's changed-articles browser. It reads the JSON data block (per extractor,
// layer and later report, every changed article with both versions' outcome records and its
// span changes) and builds only the articles of the current page. Drawing the text, chips and
// tooltips is spans.js's, which the page puts before this file.
(function () {
  const data = JSON.parse(document.getElementById('mizan-data').textContent);
  const { NAMES, SYMBOLS, el, short, articleText, tooltip, keysOf } = mizanSpans(data.outcomes);
  const KIND_NAMES = {
    'fixed': '▲ fixed', 'regressed': '▼ regressed', 'changed': '◆ changed',
    'spurious_added': '◆ spurious added', 'spurious_removed': '◆ spurious removed',
  };
  const MARKS = { 'fixed': ['▲', 'up'], 'regressed': ['▼', 'down'] };
  const $ = (id) => document.getElementById(id);
  const ui = {
    view: $('f-view'), kind: $('f-kind'), size: $('f-size'), list: $('articles'), status: $('status'),
    prev: $('prev'), next: $('next'), page: $('page'), tip: $('tip'),
  };
  let page = 0;
  let shown = []; // the articles of the current page: {view, entry}

  const kindOf = (code) => data.kinds[code];
  const isOther = (kind) => kind !== 'fixed' && kind !== 'regressed';
  function matches(change) {
    const kind = kindOf(change[0]);
    return !ui.kind.value || ui.kind.value === kind || (ui.kind.value === 'other' && isOther(kind));
  }

  function currentView() { return data.views[Number(ui.view.value)] || null; }

  // A span as text: the label, and the covered text or, without the dataset, the offsets.
  function spanText(span, text) {
    if (!span) return '—';
    const covered = text === null ? span[0] + '–' + span[1] : '«' + short(text.slice(span[0], span[1]), 80) + '»';
    const attrs = span[3] ? ' ' + Object.entries(span[3]).map(([k, v]) => k + '=' + v).join(' ') : '';
    return span[2] + ' ' + covered + attrs;
  }

  function sideCell(side, gold, text) {
    const cell = el('td');
    if (!side) { cell.textContent = 'absent'; return cell; }
    const outcome = data.outcomes[side[0]];
    cell.append(SYMBOLS[outcome] + ' ' + NAMES[outcome]);
    const pred = side[1];
    const same = pred && gold && pred[0] === gold[0] && pred[1] === gold[1] && pred[2] === gold[2] && JSON.stringify(pred[3] || {}) === JSON.stringify(gold[3] || {});
    if (pred && !same) {
      const quote = el('bdi', '', spanText(pred, text));
      quote.lang = 'ar';
      cell.append(el('br'), 'predicted ', quote);
    }
    return cell;
  }

  function changeTable(entry, text) {
    const table = el('table', 'changes');
    const head = el('tr');
    for (const name of ['change', 'gold', data.reports[0][0], data.reports[currentView().after][0]]) head.append(el('th', '', name));
    const thead = el('thead');
    thead.append(head);
    table.append(thead);
    const body = el('tbody');
    for (const change of entry.changes) {
      if (!matches(change)) continue;
      const [code, gold, before, after] = change;
      const kind = kindOf(code);
      const tr = el('tr');
      tr.dataset.kind = kind;
      const goldCell = el('td');
      const quote = el('bdi', '', spanText(gold, text));
      quote.lang = 'ar';
      goldCell.append(gold ? quote : '—');
      tr.append(el('td', 'kind', KIND_NAMES[kind]), goldCell, sideCell(before, gold, text), sideCell(after, gold, text));
      body.append(tr);
    }
    table.append(body);
    return table;
  }

  function card(row, index) {
    const { view, entry } = row;
    const article = entry.a === null ? null : data.articles[entry.a];
    const node = el('article', 'card');
    node.dataset.row = String(index);
    node.dataset.article = entry.id;
    const header = el('header');
    const title = el('h3');
    title.append(el('bdi', '', entry.id));
    const counts = el('span', 'tally');
    counts.append(el('span', 'up', '▲ ' + entry.fixed + ' fixed'), ' · ', el('span', 'down', '▼ ' + entry.regressed + ' regressed'), ' · ◆ ' + entry.other + ' other');
    header.append(title, counts);
    node.append(header);
    if (article && entry.sides.length === 2) {
      const grid = el('div', 'versions-grid');
      [0, view.after].forEach((report, k) => {
        const side = entry.sides[k];
        const box = el('div', 'version');
        box.dataset.side = String(k);
        box.append(el('h4', '', data.reports[report][0] + ': ' + data.reports[report][1]));
        const visible = side.r.map(() => true);
        box.append(articleText(side, visible, article, (j, chip) => {
          const code = side.c[j];
          if (code === null || code === undefined) return;
          const kind = kindOf(code);
          chip.dataset.change = kind;
          const [symbol, className] = MARKS[kind] || ['◆', ''];
          chip.append(el('span', 'mark' + (className ? ' ' + className : ''), symbol));
          chip.setAttribute('aria-label', chip.getAttribute('aria-label') + '; ' + kind.replace('_', ' ') + ' in ' + data.reports[view.after][0]);
        }));
        grid.append(box);
      });
      node.append(grid);
    }
    node.append(changeTable(entry, article ? article.text : null));
    return node;
  }

  function render() {
    tip.hide();
    const view = currentView();
    if (!view) {
      ui.list.replaceChildren();
      ui.status.textContent = data.views.length ? '' : 'No changed articles to show: comparing them needs report folders with outcomes.jsonl.';
      ui.page.textContent = '';
      ui.prev.disabled = ui.next.disabled = true;
      return;
    }
    const rows = view.articles.filter((entry) => entry.changes.some(matches)).map((entry) => ({ view, entry }));
    const size = Number(ui.size.value) || rows.length || 1;
    const pages = Math.max(1, Math.ceil(rows.length / size));
    page = Math.min(Math.max(page, 0), pages - 1);
    shown = rows.slice(page * size, page * size + size);
    ui.list.replaceChildren(...shown.map((row, index) => card(row, index)));
    const pair = data.reports[0][0] + ' → ' + data.reports[view.after][0];
    ui.status.textContent = view.extractor + ' on ' + view.layer + ', ' + pair + ': ' + rows.length + ' article' + (rows.length === 1 ? '' : 's') +
      ' (' + view.fixed + ' fixed, ' + view.regressed + ' regressed, ' + view.other + ' other in all)' +
      (rows.length ? ', showing ' + (page * size + 1) + '–' + (page * size + shown.length) : '') + '; most changes first';
    ui.page.textContent = 'page ' + (page + 1) + ' of ' + pages;
    ui.prev.disabled = page === 0;
    ui.next.disabled = page >= pages - 1;
  }

  // The tooltip: a chip or segment belongs to one version of a card's article.
  const tip = tooltip(ui.list, ui.tip, (node) => {
    const version = node.closest('.version');
    const card = node.closest('article.card');
    const row = card ? shown[Number(card.dataset.row)] : undefined;
    if (!version || !row || row.entry.a === null) return null;
    const side = row.entry.sides[Number(version.dataset.side)];
    return { records: side.r, keys: keysOf(node), text: data.articles[row.entry.a].text, scope: version };
  });

  ui.view.replaceChildren(...data.views.map((v, k) => {
    const option = el('option', '', v.extractor + ' on ' + v.layer + ', ' + data.reports[0][0] + ' → ' + data.reports[v.after][0] + ' (' + v.articles.length + ')');
    option.value = String(k);
    return option;
  }));
  // Start on the view with the most regressions, then the most changed articles.
  let first = 0;
  data.views.forEach((v, k) => {
    const best = data.views[first];
    if (v.regressed > best.regressed || (v.regressed === best.regressed && v.articles.length > best.articles.length)) first = k;
  });
  ui.view.value = String(first);
  ui.view.addEventListener('change', () => { page = 0; render(); });
  for (const select of [ui.kind, ui.size]) select.addEventListener('change', () => { page = 0; render(); });
  ui.prev.addEventListener('click', () => { page -= 1; render(); ui.list.scrollIntoView(); });
  ui.next.addEventListener('click', () => { page += 1; render(); ui.list.scrollIntoView(); });
  $('filters').addEventListener('submit', (event) => event.preventDefault());
  render();
  document.documentElement.dataset.ready = 'true';
  performance.mark('mizan-ready');
})();
