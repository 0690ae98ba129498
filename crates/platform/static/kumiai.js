// Kumiai works without JavaScript; this only adds conveniences.
// Search boxes with data-suggest get title suggestions as you type (a <datalist>).
document.addEventListener('DOMContentLoaded', () => {
  const list = document.getElementById('kumiai-suggest');
  if (!list) return;
  document.querySelectorAll('input[data-suggest]').forEach((input) => {
    let timer;
    // The last suggestions: title → address. Choosing one opens its page.
    let urls = new Map();
    input.addEventListener('input', (e) => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (!q) return;
      const chosen = !(e instanceof InputEvent) || e.inputType === 'insertReplacementText';
      if (chosen && urls.has(input.value)) {
        window.location.assign(urls.get(input.value));
        return;
      }
      timer = setTimeout(async () => {
        try {
          const r = await fetch(input.dataset.suggest + '?q=' + encodeURIComponent(q), { credentials: 'same-origin' });
          if (!r.ok) return;
          const items = await r.json();
          urls = new Map(items.map((it) => [it.title, it.url]));
          list.replaceChildren(...items.map((it) => {
            const o = document.createElement('option');
            o.value = it.title;
            return o;
          }));
        } catch (_) { /* suggestions are optional */ }
      }, 150);
    });
  });
});

// Fields with data-pick choose organisations (or people) by name: the reader types any part of
// a name, a reading or an English name and picks from the list; the form sends the codes (ids)
// the field always took. Chosen ones show by name, each with a button to remove it.
document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('input[data-pick]').forEach((field) => {
    const multiple = field.hasAttribute('data-multiple');
    const id = field.id;
    const search = document.createElement('input');
    search.type = 'search';
    search.id = id;
    search.autocomplete = 'off';
    search.placeholder = field.dataset.placeholder || '';
    search.setAttribute('role', 'combobox');
    search.setAttribute('aria-autocomplete', 'list');
    search.setAttribute('aria-expanded', 'false');
    if (field.getAttribute('aria-describedby')) search.setAttribute('aria-describedby', field.getAttribute('aria-describedby'));
    if (field.getAttribute('aria-invalid')) search.setAttribute('aria-invalid', field.getAttribute('aria-invalid'));
    field.id = id + '-value';
    field.type = 'hidden';
    const chosen = document.createElement('ul');
    chosen.className = 'picked';
    const list = document.createElement('ul');
    list.className = 'pick-list';
    list.id = id + '-choices';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    search.setAttribute('aria-controls', list.id);
    const box = document.createElement('div');
    box.className = 'picker';
    field.after(box);
    box.append(chosen, search, list);

    const names = new Map();
    // (Commas only: the stand-in for an organisation the reader may not see has spaces.)
    let values = field.value.split(/[,、]/).map((v) => v.trim()).filter((v) => v);
    let items = [];
    let active = -1;
    const show = () => {
      field.value = values.join(',');
      chosen.replaceChildren(...values.map((v) => {
        const li = document.createElement('li');
        li.textContent = names.get(v) || v;
        li.dataset.value = v;
        const x = document.createElement('button');
        x.type = 'button';
        x.textContent = '×';
        x.setAttribute('aria-label', (field.dataset.remove || 'Remove') + ' ' + (names.get(v) || v));
        x.addEventListener('click', () => { values = values.filter((w) => w !== v); show(); search.focus(); });
        li.append(x);
        return li;
      }));
    };
    const close = () => { list.hidden = true; search.setAttribute('aria-expanded', 'false'); active = -1; };
    const choose = (it) => {
      names.set(it.value, it.label);
      values = multiple ? values.filter((v) => v !== it.value).concat([it.value]) : [it.value];
      search.value = '';
      close();
      show();
      field.dispatchEvent(new Event('change', { bubbles: true }));
    };
    const render = () => {
      list.replaceChildren(...items.map((it, i) => {
        const li = document.createElement('li');
        li.id = id + '-choice-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', i === active ? 'true' : 'false');
        const name = document.createElement('span');
        name.textContent = it.label;
        const detail = document.createElement('small');
        detail.textContent = it.detail;
        li.append(name, ' ', detail);
        li.addEventListener('mousedown', (e) => { e.preventDefault(); choose(it); });
        return li;
      }));
      list.hidden = items.length === 0;
      search.setAttribute('aria-expanded', items.length ? 'true' : 'false');
      if (active >= 0) search.setAttribute('aria-activedescendant', id + '-choice-' + active);
      else search.removeAttribute('aria-activedescendant');
    };
    const ask = async (params) => {
      const r = await fetch(field.dataset.pick + '?' + params, { credentials: 'same-origin' });
      return r.ok ? r.json() : [];
    };
    let timer;
    search.addEventListener('input', () => {
      clearTimeout(timer);
      const q = search.value.trim();
      if (!q) { items = []; render(); return; }
      timer = setTimeout(async () => {
        try { items = await ask('q=' + encodeURIComponent(q)); active = items.length ? 0 : -1; render(); } catch (_) { /* the code still works */ }
      }, 150);
    });
    search.addEventListener('keydown', (e) => {
      if (list.hidden) return;
      if (e.key === 'ArrowDown') { active = Math.min(active + 1, items.length - 1); render(); e.preventDefault(); }
      else if (e.key === 'ArrowUp') { active = Math.max(active - 1, 0); render(); e.preventDefault(); }
      else if (e.key === 'Enter' && active >= 0) { choose(items[active]); e.preventDefault(); }
      else if (e.key === 'Escape') { close(); }
    });
    search.addEventListener('blur', () => setTimeout(close, 100));
    // Text typed but not chosen is sent as written: a code still works.
    if (field.form) field.form.addEventListener('submit', () => {
      const typed = search.value.split(/[,、]/).map((v) => v.trim()).filter((v) => v);
      if (typed.length) { values = multiple ? values.concat(typed) : typed.slice(0, 1); field.value = values.join(','); }
    });
    show();
    if (values.length) {
      ask('codes=' + encodeURIComponent(values.join(','))).then((found) => { found.forEach((it) => names.set(it.value, it.label)); show(); }).catch(() => {});
    }
  });
});

// Regions with data-live follow a server-sent event stream: each event is the region's new HTML,
// rendered by the server for this reader. Without JavaScript the page refreshes itself instead.
document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-live]').forEach((region) => {
    if (!window.EventSource) return;
    const source = new EventSource(region.dataset.live);
    source.onmessage = (e) => {
      region.innerHTML = e.data;
      region.dataset.updates = String(Number(region.dataset.updates || 0) + 1);
    };
  });
});
