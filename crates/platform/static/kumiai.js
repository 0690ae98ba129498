// Kumiai works without JavaScript; this only adds conveniences.
// Search boxes with data-suggest get title suggestions as you type (a <datalist>).
document.addEventListener('DOMContentLoaded', () => {
  const list = document.getElementById('kumiai-suggest');
  if (!list) return;
  document.querySelectorAll('input[data-suggest]').forEach((input) => {
    let timer;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (!q) return;
      timer = setTimeout(async () => {
        try {
          const r = await fetch(input.dataset.suggest + '?q=' + encodeURIComponent(q), { credentials: 'same-origin' });
          if (!r.ok) return;
          const items = await r.json();
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
