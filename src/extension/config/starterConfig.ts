// What "Create bluegreen.yaml" writes: a local sandbox to rehearse in and a production sketch to
// fill in. It must load without errors (the extension-host suite checks that it does).
export const STARTER_CONFIG = `# Blue-Green Releases: see docs/config.md for every key.
apps:
  api:                                  # e.g. a Java app
    port: 8080
    health: /health
    route: /api/
    deploy: ["/opt/api/bin/deploy {{version}}"]   # run on every host of the color
  web:                                  # e.g. a Node.js app
    port: 3000
    health: /health
    route: /
    deploy: ["/opt/web/bin/deploy {{version}}"]

traffic:
  initial: { blue: 100, green: 0 }      # what \`restore\` puts back
  segments:
    mobile: { userAgent: "(?i)(android|iphone|ipad|mobile)" }

smoke:
  - { path: /, expect: 200 }

release:
  - drain: green
  - deploy: green
  - verify: green
  - canary: { color: green, segment: mobile }
  - pause: "Mobile users are on green. Watch the traffic, then continue."
  - switch: green
  - deploy: blue
  - verify: blue
  - restore

environments:
  sandbox:
    docker: {}                          # routers and app hosts as local containers (a database too, with a database: section)
  production:
    ssh: { user: deploy }               # your ~/.ssh/config decides the rest
    routers: [lb1, lb2]
    colors:
      blue:  { api: [app1], web: [app1, app2] }
      green: { api: [app3], web: [app3, app4] }
`;
