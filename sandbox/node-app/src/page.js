'use strict';
// The HTML page of `GET /`: both versions (this app's and the api's, reached through the router)
// and the recent orders, with a form that writes an order through this app.

const escapeHtml = (value) =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function renderPage(settings, api, orders) {
  const apiLine = api.error
    ? `<span class="error">${escapeHtml(api.error)}</span>`
    : `<span id="api-version">${escapeHtml(api.version)}</span> (<span id="api-color">${escapeHtml(api.color)}</span>)`;
  const rows = orders.error
    ? `<tr><td colspan="4" class="error">${escapeHtml(orders.error)}</td></tr>`
    : orders
        .map((o) => `<tr><td>${escapeHtml(o.id)}</td><td>${escapeHtml(o.item)}</td><td>${escapeHtml(o.quantity)}</td><td>${escapeHtml(o.createdBy)}</td></tr>`)
        .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Blue-Green sample shop — ${escapeHtml(settings.color)}</title>
<style>
  body { font-family: sans-serif; margin: 2rem; border-top: 8px solid ${settings.color === 'green' ? '#2e7d32' : settings.color === 'blue' ? '#1565c0' : '#777'}; }
  .error { color: #b00020; }
  td, th { padding: 0.2rem 0.8rem; text-align: left; }
</style>
</head>
<body>
<h1>Sample shop</h1>
<p>web: <span id="web-version">${escapeHtml(settings.version)}</span> (<span id="web-color">${escapeHtml(settings.color)}</span>)</p>
<p>api: ${apiLine}</p>
<form id="order">
  <input name="item" placeholder="item" required maxlength="200">
  <input name="quantity" type="number" min="1" max="1000" value="1">
  <button>Order</button>
</form>
<table><thead><tr><th>#</th><th>item</th><th>qty</th><th>written by</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<script>
  document.getElementById('order').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    await fetch('/orders', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ item: form.get('item'), quantity: Number(form.get('quantity')) }),
    });
    location.reload();
  });
</script>
</body>
</html>
`;
}

module.exports = { renderPage };
