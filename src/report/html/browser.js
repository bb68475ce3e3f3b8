// report.html's error browser. It reads the JSON data block (articles, and per extractor and
// layer every outcome record with the segments of each article's text) and builds only the
// articles of the current page, so that a report over thousands of articles opens at once.
// Every element is made with createElement and every piece of data set with textContent or
// setAttribute: nothing from the data is ever parsed as markup.
'use strict';
(function () {
  const data = JSON.parse(document.getElementById('mizan-data').textContent);
  const NAMES = {
    'correct': 'correct', 'wrong-type': 'wrong type', 'wrong-boundary': 'wrong boundary',
    'wrong-boundary-and-type': 'wrong boundary and type', 'missed': 'missed', 'spurious': 'spurious',
  };
  const CLASSES = {
    'correct': 'o-correct', 'wrong-type': 'o-type', 'wrong-boundary': 'o-boundary',
    'wrong-boundary-and-type': 'o-boundary', 'missed': 'o-missed', 'spurious': 'o-spurious',
  };
  const SYMBOLS = {
    'correct': '✓', 'wrong-type': '≠', 'wrong-boundary': '↔', 'wrong-boundary-and-type': '↔≠',
    'missed': '−', 'spurious': '+',
  };
  // Bidi controls are shown as visible marks: left in the text they would reorder it.
  const CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
  const CONTROL_NAMES = {
    '\u061C': 'ALM', '\u200E': 'LRM', '\u200F': 'RLM', '\u202A': 'LRE', '\u202B': 'RLE', '\u202C': 'PDF',
    '\u202D': 'LRO', '\u202E': 'RLO', '\u2066': 'LRI', '\u2067': 'RLI', '\u2068': 'FSI', '\u2069': 'PDI',
  };
  const $ = (id) => document.getElementById(id);
  const ui = {
    extractor: $('f-extractor'), layer: $('f-layer'), label: $('f-label'), outcome: $('f-outcome'),
    size: $('f-size'), list: $('articles'), status: $('status'), prev: $('prev'), next: $('next'),
    page: $('page'), tip: $('tip'),
  };
  let page = 0;
  let shown = []; // the articles of the current page: {view, entry, visible}
  let tipFor = null; // the element the tooltip describes

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function outcomeOf(record) { return data.outcomes[record[0]]; }
  function sides(record) { return [record[1], record[2]].filter(Boolean); }
  function extentOf(record) {
    const spans = sides(record);
    return [Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1]))];
  }

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

  function appendText(parent, text) {
    let rest = text;
    while (rest) {
      const match = CONTROLS.exec(rest);
      if (!match) { parent.append(rest); return; }
      if (match.index > 0) parent.append(rest.slice(0, match.index));
      const mark = el('span', 'ctl', CONTROL_NAMES[match[0]]);
      mark.title = 'U+' + match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
      parent.append(mark);
      rest = rest.slice(match.index + 1);
    }
  }

  function short(text, limit) {
    const chars = Array.from(text);
    return chars.length > limit ? chars.slice(0, limit - 1).join('') + '…' : text;
  }

  // Code point offsets, as in mizan's files, from the UTF-16 offsets of the data.
  function codePoints(text, offset) { return Array.from(text.slice(0, offset)).length; }

  function attrsText(span) {
    return span && span[3] ? Object.entries(span[3]).map(([k, v]) => k + ': ' + v).join(', ') : '';
  }

  function describe(record, text) {
    const outcome = outcomeOf(record);
    const part = (name, span) => span
      ? name + ' ' + span[2] + ' «' + short(text.slice(span[0], span[1]), 60) + '»' + (span[3] ? ' (' + attrsText(span) + ')' : '')
      : 'no ' + name + ' span';
    let label = NAMES[outcome] + ': ' + part('gold', record[1]) + '; ' + part('predicted', record[2]);
    if (record[3] === 0) label += '; attributes differ';
    return label;
  }

  function chip(record, k, text) {
    const outcome = outcomeOf(record);
    const node = el('span', 'chip ' + CLASSES[outcome] + (record[3] === 0 ? ' attrs-differ' : ''));
    node.tabIndex = 0;
    node.dir = 'ltr';
    node.dataset.k = String(k);
    node.dataset.outcome = outcome;
    node.setAttribute('aria-label', describe(record, text));
    const [gold, pred] = [record[1], record[2]];
    let label = (gold || pred)[2];
    if (gold && pred && gold[2] !== pred[2]) label = gold[2] + '→' + pred[2];
    node.append(SYMBOLS[outcome] + ' ' + label);
    // Attribute values (a quote's speaker) in the chip: gold, and the prediction's if it differs.
    const shownAttrs = (gold || pred)[3] || {};
    for (const [key, value] of Object.entries(shownAttrs)) {
      node.append(' · ', el('bdi', '', value));
      if (gold && pred) {
        const other = (pred[3] || {})[key];
        if (other !== value) node.append(' ≠ ', el('bdi', '', other === undefined ? '∅' : other));
      }
    }
    return node;
  }

  function articleText(row, article) {
    const { entry, visible } = row;
    const text = article.text;
    const box = el('div', 'text');
    box.dir = article.dir;
    if (article.lang) box.lang = article.lang;
    const extents = entry.r.map(extentOf);
    let at = 0;
    for (const segment of entry.s) {
      const [start, end, covering, chips] = segment;
      if (start > at) appendText(box, text.slice(at, start));
      const records = covering.filter((k) => visible[k]);
      if (end > start) {
        if (records.length) {
          // The innermost record styles the segment; all of them are listed on hover.
          const primary = records.reduce((best, k) => (extents[k][1] - extents[k][0] < extents[best][1] - extents[best][0] ? k : best));
          const record = entry.r[primary];
          const inGold = records.some((k) => entry.r[k][1] && entry.r[k][1][0] <= start && end <= entry.r[k][1][1]);
          const inPred = records.some((k) => entry.r[k][2] && entry.r[k][2][0] <= start && end <= entry.r[k][2][1]);
          const node = el('span', 'seg ' + CLASSES[outcomeOf(record)] + (inGold ? ' g' : '') + (inPred ? ' p' : '') + (records.length > 1 ? ' multi' : ''));
          node.dataset.r = records.join(' ');
          appendText(node, text.slice(start, end));
          box.append(node);
        } else {
          appendText(box, text.slice(start, end));
        }
      }
      for (const k of chips || []) if (visible[k]) box.append(chip(entry.r[k], k, text));
      at = Math.max(at, end);
    }
    if (at < text.length) appendText(box, text.slice(at));
    return box;
  }

  function spanCell(span, text) {
    const cell = el('td', 'quote');
    if (!span) { cell.textContent = '—'; return cell; }
    cell.append(el('code', '', span[2]), ' ');
    const quote = el('bdi', '', short(text.slice(span[0], span[1]), 200));
    quote.lang = 'ar';
    cell.append(quote);
    if (span[3]) {
      for (const [key, value] of Object.entries(span[3])) {
        cell.append(el('br'), key + ': ');
        cell.append(el('bdi', '', value));
      }
    }
    return cell;
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
      table.append(el('thead')).append(head);
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
    node.append(header, articleText(row, article));
    if (row.count) node.append(spanTable(row, article));
    return node;
  }

  function render() {
    hideTip();
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

  // Tooltip: the records under the pointer or the focused chip, gold beside prediction.
  function recordsAt(node) {
    const card = node.closest('article.card');
    const row = card ? shown[Number(card.dataset.row)] : undefined;
    if (!row) return null;
    const keys = node.dataset.k !== undefined ? [Number(node.dataset.k)] : node.dataset.r.split(' ').map(Number);
    return { row, keys, card };
  }

  function side(name, span, text) {
    const line = el('div', 'side');
    line.append(el('b', '', name));
    if (!span) { line.append('—'); return line; }
    line.append(el('code', '', span[2]), ' ');
    const quote = el('bdi', '', '«' + short(text.slice(span[0], span[1]), 90) + '»');
    quote.lang = 'ar';
    line.append(quote, ' ', el('small', '', codePoints(text, span[0]) + '–' + codePoints(text, span[1])));
    for (const [key, value] of Object.entries(span[3] || {})) {
      line.append(el('br'), key + ': ');
      const v = el('bdi', '', value);
      v.lang = 'ar';
      line.append(v);
    }
    return line;
  }

  function showTip(node) {
    const found = recordsAt(node);
    if (!found) return;
    const text = data.articles[found.row.entry.a].text;
    ui.tip.replaceChildren(...found.keys.map((k) => {
      const record = found.row.entry.r[k];
      const outcome = outcomeOf(record);
      const box = el('div', 'rec ' + CLASSES[outcome]);
      box.append(el('span', 'name', SYMBOLS[outcome] + ' ' + NAMES[outcome]));
      box.append(side('gold', record[1], text), side('predicted', record[2], text));
      if (record[3] === 0) box.append(el('div', 'side', 'attributes differ'));
      return box;
    }));
    found.card.querySelectorAll('.hl').forEach((n) => n.classList.remove('hl'));
    for (const node of found.card.querySelectorAll('.chip, .seg[data-r]')) {
      const keys = node.dataset.k !== undefined ? [node.dataset.k] : node.dataset.r.split(' ');
      if (found.keys.some((k) => keys.includes(String(k)))) node.classList.add('hl');
    }
    ui.tip.hidden = false;
    tipFor = node;
    placeTip();
  }

  // Below the node, or above it when there is no room below; kept in the window.
  function placeTip() {
    if (!tipFor || ui.tip.hidden) return;
    const box = tipFor.getBoundingClientRect();
    const tip = ui.tip.getBoundingClientRect();
    const left = Math.min(Math.max(4, box.left + box.width / 2 - tip.width / 2), window.innerWidth - tip.width - 4);
    const below = box.bottom + 6;
    ui.tip.style.left = left + 'px';
    ui.tip.style.top = (below + tip.height > window.innerHeight ? Math.max(4, box.top - tip.height - 6) : below) + 'px';
  }

  function hideTip() {
    ui.tip.hidden = true;
    tipFor = null;
    document.querySelectorAll('.hl').forEach((n) => n.classList.remove('hl'));
  }

  const target = (event) => event.target instanceof Element ? event.target.closest('.chip, .seg[data-r]') : null;
  ui.list.addEventListener('mouseover', (event) => { const node = target(event); if (node) showTip(node); });
  ui.list.addEventListener('mouseout', (event) => {
    const node = target(event);
    // Moving onto a child of the same chip or segment is not leaving it.
    if (node && !(event.relatedTarget instanceof Node && node.contains(event.relatedTarget)) && document.activeElement !== node) hideTip();
  });
  ui.list.addEventListener('focusin', (event) => { const node = target(event); if (node) showTip(node); });
  ui.list.addEventListener('focusout', hideTip);
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') hideTip(); });
  window.addEventListener('scroll', placeTip, { passive: true });

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
