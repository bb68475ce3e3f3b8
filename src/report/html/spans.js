// Drawing an article's text with its outcome records (a pair, or a lone gold span or
// prediction) highlighted, each record's chip, the table of its spans, and the tooltip that
// describes them: shared by report.html's error browser and the comparison page, which put
// this file before their own script. Every element is made with createElement and every piece
// of data set with textContent or setAttribute: nothing from the data is parsed as markup.
'use strict';
function mizanSpans(outcomes) {
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

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function outcomeOf(record) { return outcomes[record[0]]; }
  function sides(record) { return [record[1], record[2]].filter(Boolean); }
  function extentOf(record) {
    const spans = sides(record);
    return [Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1]))];
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

  // The text of an article with the visible records of `entry` ({r: records, s: segments})
  // highlighted; `mark(k, node)`, when given, may decorate record k's chip.
  function articleText(entry, visible, article, mark) {
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
      for (const k of chips || []) {
        if (!visible[k]) continue;
        const node = chip(entry.r[k], k, text);
        if (mark) mark(k, node);
        box.append(node);
      }
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

  // The tooltip over `container`: the records under the pointer or the focused chip, gold
  // beside prediction. `find(node)` returns {records, keys, text, scope} for a chip or a
  // highlighted segment (scope: the element whose chips and segments light up with it).
  function tooltip(container, tip, find) {
    let tipFor = null;
    const target = (event) => event.target instanceof Element ? event.target.closest('.chip, .seg[data-r]') : null;

    function show(node) {
      const found = find(node);
      if (!found) return;
      tip.replaceChildren(...found.keys.map((k) => {
        const record = found.records[k];
        const outcome = outcomeOf(record);
        const box = el('div', 'rec ' + CLASSES[outcome]);
        box.append(el('span', 'name', SYMBOLS[outcome] + ' ' + NAMES[outcome]));
        box.append(side('gold', record[1], found.text), side('predicted', record[2], found.text));
        if (record[3] === 0) box.append(el('div', 'side', 'attributes differ'));
        return box;
      }));
      document.querySelectorAll('.hl').forEach((n) => n.classList.remove('hl'));
      for (const other of found.scope.querySelectorAll('.chip, .seg[data-r]')) {
        const keys = other.dataset.k !== undefined ? [other.dataset.k] : other.dataset.r.split(' ');
        if (found.keys.some((k) => keys.includes(String(k)))) other.classList.add('hl');
      }
      tip.hidden = false;
      tipFor = node;
      place();
    }

    // Below the node, or above it when there is no room below; kept in the window.
    function place() {
      if (!tipFor || tip.hidden) return;
      const box = tipFor.getBoundingClientRect();
      const size = tip.getBoundingClientRect();
      const left = Math.min(Math.max(4, box.left + box.width / 2 - size.width / 2), window.innerWidth - size.width - 4);
      const below = box.bottom + 6;
      tip.style.left = left + 'px';
      tip.style.top = (below + size.height > window.innerHeight ? Math.max(4, box.top - size.height - 6) : below) + 'px';
    }

    function hide() {
      tip.hidden = true;
      tipFor = null;
      document.querySelectorAll('.hl').forEach((n) => n.classList.remove('hl'));
    }

    container.addEventListener('mouseover', (event) => { const node = target(event); if (node) show(node); });
    container.addEventListener('mouseout', (event) => {
      const node = target(event);
      // Moving onto a child of the same chip or segment is not leaving it.
      if (node && !(event.relatedTarget instanceof Node && node.contains(event.relatedTarget)) && document.activeElement !== node) hide();
    });
    container.addEventListener('focusin', (event) => { const node = target(event); if (node) show(node); });
    container.addEventListener('focusout', hide);
    document.addEventListener('keydown', (event) => { if (event.key === 'Escape') hide(); });
    window.addEventListener('scroll', place, { passive: true });
    return { hide };
  }

  // The keys of the records a chip or segment stands for.
  function keysOf(node) {
    return node.dataset.k !== undefined ? [Number(node.dataset.k)] : node.dataset.r.split(' ').map(Number);
  }

  return { NAMES, CLASSES, SYMBOLS, el, outcomeOf, sides, short, articleText, spanCell, tooltip, keysOf };
}
