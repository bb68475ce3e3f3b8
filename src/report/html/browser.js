// report.html's error browser. It reads the JSON data block (articles, and per extractor and
// layer every outcome record with the segments of each article's text) and builds only the
// articles of the current page, so that a report over thousands of articles opens at once.
// Drawing the text, chips and tooltips is spans.js's, which the page puts before this file.
(function () {
  const data = JSON.parse(document.getElementById('mizan-data').textContent);
  const { NAMES, SYMBOLS, el, outcomeOf, sides, articleText, spanCell, tooltip, keysOf } = mizanSpans(data.outcomes);
  const $ = (id) => document.getElementById(id);
  const ui = {
    extractor: $('f-extractor'), layer: $('f-layer'), label: $('f-label'), outcome: $('f-outcome'),
    size: $('f-size'), list: $('articles'), status: $('status'), prev: $('prev'), next: $('next'),
    page: $('page'), tip: $('tip'),
  };
  let page = 0;
  let shown = []; // the articles of the current page: {view, entry, visible}

  function fill(select, values, describe) {
    const keep = select.value;
    select.replaceChildren(...values.map(([value, name]) => {
      const option = el('option', '', name);
      option.value = value;
      return option;
    }));
    if (values.some(([value]) => value === keep)) select.value = keep;
    if (describe) select.title = describe;
  }

  function currentView() {
    return data.views.find((v) => v.extractor === ui.extractor.value && v.layer === ui.layer.value) || null;
  }

  function matches(record) {
    const label = ui.label.value;
    if (label && !sides(record).some((s) => s[2] === label)) return false;
    const outcome = outcomeOf(record);
    switch (ui.outcome.value) {
      case '': return true;
      case 'errors': return outcome !== 'correct';
      case 'wrong-boundary': return outcome === 'wrong-boundary' || outcome === 'wrong-boundary-and-type';
      default: return outcome === ui.outcome.value;
    }
  }

  // The view's articles that have a matching record, most errors first.
  function listing(view) {
    const rows = [];
    view.articles.forEach((entry, order) => {
      const visible = entry.r.map(matches);
      const count = visible.filter(Boolean).length;
      if (count === 0 && !(entry.f && !ui.label.value && !ui.outcome.value)) return;
      const errors = entry.r.filter((r, k) => visible[k] && outcomeOf(r) !== 'correct').length;
      rows.push({ view, entry, visible, count, errors, order });
    });
    rows.sort((a, b) => b.errors - a.errors || b.count - a.count || a.order - b.order);
    return rows;
  }

  // The records of an article as a table (quotes with their speakers), built when opened.
  function spanTable(row, article) {
    const details = el('details', 'spans');
    const records = row.entry.r.map((r, k) => [r, k]).filter(([, k]) => row.visible[k]);
    details.append(el('summary', '', records.length + ' span' + (records.length === 1 ? '' : 's') + ' in a table'));
    details.addEventListener('toggle', () => {
      if (!details.open || details.querySelector('table')) return;
      const table = el('table');
      const head = el('tr');
      for (const name of ['outcome', 'gold', 'predicted']) head.append(el('th', '', name));
      const thead = el('thead');
      thead.append(head);
      table.append(thead);
      const body = el('tbody');
      for (const [record] of records) {
        const tr = el('tr');
        const outcome = outcomeOf(record);
        tr.append(el('td', '', SYMBOLS[outcome] + ' ' + NAMES[outcome] + (record[3] === 0 ? ' (attributes differ)' : '')));
        tr.append(spanCell(record[1], article.text), spanCell(record[2], article.text));
        body.append(tr);
      }
      table.append(body);
      details.append(table);
    });
    return details;
  }

  function card(row, index) {
    const article = data.articles[row.entry.a];
    const node = el('article', 'card');
    node.dataset.row = String(index);
    node.dataset.article = article.id;
    const header = el('header');
    const title = el('h3');
    title.append(el('bdi', '', article.id));
    header.append(title, el('span', 'count', row.errors + ' error' + (row.errors === 1 ? '' : 's')));
    const tally = {};
    row.entry.r.forEach((r, k) => { if (row.visible[k]) tally[outcomeOf(r)] = (tally[outcomeOf(r)] || 0) + 1; });
    header.append(el('span', 'tally', data.outcomes.filter((o) => tally[o]).map((o) => SYMBOLS[o] + ' ' + tally[o] + ' ' + NAMES[o]).join(' · ')));
    if (row.entry.f) {
      const failed = el('span', 'failed', 'extractor failed: ');
      failed.append(el('bdi', '', row.entry.f));
      header.append(failed);
    }
    node.append(header, articleText(row.entry, row.visible, article));
    if (row.count) node.append(spanTable(row, article));
    return node;
  }

  function render() {
    tip.hide();
    const view = currentView();
    if (!view) {
      ui.list.replaceChildren();
      ui.status.textContent = 'No scored layer to browse.';
      ui.page.textContent = '';
      ui.prev.disabled = ui.next.disabled = true;
      return;
    }
    const rows = listing(view);
    const size = Number(ui.size.value) || rows.length || 1;
    const pages = Math.max(1, Math.ceil(rows.length / size));
    page = Math.min(Math.max(page, 0), pages - 1);
    shown = rows.slice(page * size, page * size + size);
    ui.list.replaceChildren(...shown.map((row, index) => card(row, index)));
    const records = rows.reduce((n, row) => n + row.count, 0);
    const errors = rows.reduce((n, row) => n + row.errors, 0);
    ui.status.textContent = view.extractor + ' on ' + view.layer + ': ' + rows.length + ' article' + (rows.length === 1 ? '' : 's') +
      ' with ' + records + ' matching span' + (records === 1 ? '' : 's') + ' (' + errors + ' error' + (errors === 1 ? '' : 's') + ')' +
      (rows.length ? ', showing ' + (page * size + 1) + '–' + (page * size + shown.length) : '') + '; most errors first';
    ui.page.textContent = 'page ' + (page + 1) + ' of ' + pages;
    ui.prev.disabled = page === 0;
    ui.next.disabled = page >= pages - 1;
  }

  function chooseExtractor() {
    const layers = data.views.filter((v) => v.extractor === ui.extractor.value).map((v) => [v.layer, v.layer]);
    fill(ui.layer, layers);
    chooseLayer();
  }

  function chooseLayer() {
    const view = currentView();
    fill(ui.label, [['', 'all labels']].concat((view ? view.labels : []).map((l) => [l, l])));
  }

  // The tooltip: a chip or segment belongs to a card, whose row holds the records.
  const tip = tooltip(ui.list, ui.tip, (node) => {
    const card = node.closest('article.card');
    const row = card ? shown[Number(card.dataset.row)] : undefined;
    if (!row) return null;
    return { records: row.entry.r, keys: keysOf(node), text: data.articles[row.entry.a].text, scope: card };
  });

  ui.extractor.addEventListener('change', () => { page = 0; chooseExtractor(); render(); });
  ui.layer.addEventListener('change', () => { page = 0; chooseLayer(); render(); });
  for (const select of [ui.label, ui.outcome, ui.size]) select.addEventListener('change', () => { page = 0; render(); });
  ui.prev.addEventListener('click', () => { page -= 1; render(); ui.list.scrollIntoView(); });
  ui.next.addEventListener('click', () => { page += 1; render(); ui.list.scrollIntoView(); });
  $('filters').addEventListener('submit', (event) => event.preventDefault());

  // Start on the view with the most errors.
  const extractors = [...new Set(data.views.map((v) => v.extractor))];
  fill(ui.extractor, extractors.map((e) => [e, e]));
  const errors = data.views.map((v) => v.articles.reduce((n, a) => n + a.r.filter((r) => data.outcomes[r[0]] !== 'correct').length, 0));
  const first = data.views.length ? data.views[errors.indexOf(Math.max(...errors))] : null;
  if (first) ui.extractor.value = first.extractor;
  chooseExtractor();
  if (first) { ui.layer.value = first.layer; chooseLayer(); }
  render();
  document.documentElement.dataset.ready = 'true';
  performance.mark('mizan-ready');
})();
