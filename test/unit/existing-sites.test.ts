import assert from 'node:assert/strict';
import { existingSiteProbes, parseExistingSites } from '../../src/core/router/existingSites';

// `nginx -T` on a Debian router that serves two sites of its own and carries the product's file.
const DUMP = `nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
nginx: configuration file /etc/nginx/nginx.conf test is successful
# configuration file /etc/nginx/nginx.conf:
user www-data;
events { worker_connections 768; }
http {
\tinclude /etc/nginx/conf.d/*.conf;
\tinclude /etc/nginx/sites-enabled/*;
}
stream {
\tserver { listen 5432; proxy_pass db:5432; }
}

# configuration file /etc/nginx/conf.d/bluegreen.conf:
upstream web_blue {
    server app1:3000 max_fails=1;
}
server {
    listen 80;
    location / { proxy_pass http://web_blue; }
}

# configuration file /etc/nginx/sites-enabled/shop:
# the shop's own site, with a comment { that has braces }
server {
\tlisten 80;
\tlisten [::]:80;
\tserver_name shop.example www.shop.example;
\tlocation / {
\t\tif ($http_x_forwarded_proto = "http") { return 301 https://$host$request_uri; }
\t\troot /srv/shop;
\t}
}
server {
\tlisten 443 ssl default_server;
\tserver_name "*.shop.example" ~^api\\.;
\tssl_certificate /etc/ssl/certs/shop.pem;
\tssl_certificate_key /etc/ssl/private/shop.key;
}
server {
\tlisten 10.0.0.5:8080;
\tserver_name _;
}
`;

describe('sites a router already serves (nginx -T)', () => {
  const sites = parseExistingSites(DUMP, ['/etc/nginx/conf.d/bluegreen.conf']);

  it('finds each http server block with its listeners and names, outside the product\'s file and the stream context', () => {
    assert.deepEqual(sites, [
      { file: '/etc/nginx/sites-enabled/shop', listeners: [{ port: 80, ssl: false, defaultServer: false }, { port: 80, ssl: false, defaultServer: false }], serverNames: ['shop.example', 'www.shop.example'] },
      { file: '/etc/nginx/sites-enabled/shop', listeners: [{ port: 443, ssl: true, defaultServer: true }], serverNames: ['*.shop.example', '~^api\\.'] },
      { file: '/etc/nginx/sites-enabled/shop', listeners: [{ address: '10.0.0.5', port: 8080, ssl: false, defaultServer: false }], serverNames: ['_'] },
    ]);
  });

  it('asks each listener once, under a name the block answers, TLS by its name on the loopback', () => {
    assert.deepEqual(existingSiteProbes(sites), [
      { label: 'shop.example on 80, /etc/nginx/sites-enabled/shop', request: { url: 'http://127.0.0.1:80/', hostHeader: 'shop.example', insecure: false } },
      {
        label: 'bluegreen-check.shop.example on 443 (TLS), /etc/nginx/sites-enabled/shop',
        request: { url: 'https://bluegreen-check.shop.example:443/', resolve: 'bluegreen-check.shop.example:443:127.0.0.1', insecure: true },
      },
      { label: 'the default name on 8080, /etc/nginx/sites-enabled/shop', request: { url: 'http://10.0.0.5:8080/', insecure: false } },
    ]);
  });

  it('reads a router with no site of its own as none', () => {
    assert.deepEqual(parseExistingSites('# configuration file /etc/nginx/nginx.conf:\nhttp { }\n', []), []);
  });
});
