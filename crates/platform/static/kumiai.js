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
