// The user's side of issue 16's integration tests: a build script that packs a published npm
// server (http-server) at a version as a release tarball, as a user of the product would write it.

/** The user's build: the published http-server at a version, its dependencies installed, and a `run`. */
export const PACK_SH = `#!/bin/sh
# Makes dist/site-VERSION.tar.gz: the published http-server VERSION with its dependencies and a run script.
set -eu
version=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack --silent "http-server@$version" > /dev/null && tar -xzf "http-server-$version.tgz" )
( cd "$work/package" && npm install --omit=dev --no-audit --no-fund --ignore-scripts --no-package-lock > /dev/null )
cat > "$work/package/run" <<'RUN'
#!/bin/sh
# Started by the supervisor with PORT and HEALTH from app.env; serves this release's own files.
cd "$(dirname "$0")"
exec node bin/http-server . -p "$PORT" -c-1 --silent
RUN
chmod +x "$work/package/run"
# A front page (a file is cheaper to serve than http-server's directory listing of the release).
printf '<!doctype html>\\n<title>site</title>\\n<p>http-server %s</p>\\n' "$version" > "$work/package/index.html"
mkdir -p dist
tar -C "$work/package" -czf "dist/site-$version.tar.gz" .
`;
