#!/usr/bin/env bash
# Makes the sandbox images' base, debian:bookworm-slim, offline when the Docker engine lacks it:
# there is no registry to pull from, so it is bootstrapped from the Debian mirror this machine's
# apt already uses. A no-op when the image exists (on a normal machine `docker build` pulls it).
#
# Environment: BASE_IMAGE_TAG (default debian:bookworm-slim), BASE_IMAGE_SUITE (default bookworm),
# DEBIAN_MIRROR (default: the machine's apt sources, else http://deb.debian.org/debian).
# Exit codes: 0 the image exists (made or found); 1 bootstrapping failed; 2 bad input or no engine.
set -eu

tag=${BASE_IMAGE_TAG:-debian:bookworm-slim}
suite=${BASE_IMAGE_SUITE:-bookworm}
say() { printf 'make-base-image: %s\n' "$*"; }
die() { code=$1; shift; printf 'make-base-image: %s\n' "$*" >&2; exit "$code"; }

[[ $tag =~ ^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]{1,128})?$ ]] || die 2 "bad image tag: $tag"
[[ $suite =~ ^[a-z]{1,20}$ ]] || die 2 "bad suite: $suite"

docker info > /dev/null 2>&1 || die 2 "no Docker engine answers (start dockerd first)"
if docker image inspect "$tag" > /dev/null 2>&1; then
  say "$tag is present: nothing to do"
  exit 0
fi

# The first mirror of the machine's apt sources that serves suite $1 (one-line and deb822
# formats); third-party sources serve other suites and are skipped by that test.
find_mirror() {
  local suite=$1 files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && files+=("$f"); done
  if ((${#files[@]})); then
    awk -v suite="$suite" '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while ($i !~ /\]$/ && i < NF) i++; i++ }
        if ($(i + 1) == suite) { print $i; exit }
      }' "${files[@]}"
  fi
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '
      BEGIN { RS = ""; FS = "\n" }
      {
        types = ""; uris = ""; suites = ""
        for (n = 1; n <= NF; n++) {
          if ($n ~ /^Types:/) types = " " substr($n, 7) " "
          if ($n ~ /^URIs:/) uris = substr($n, 6)
          if ($n ~ /^Suites:/) suites = " " substr($n, 8) " "
        }
        gsub(/[ \t]+/, " ", suites)
        if (types ~ / deb / && suites ~ (" " suite " ")) { split(uris, u, " "); print u[1]; exit }
      }' "$f"
  done
}

mirror=${DEBIAN_MIRROR:-$(find_mirror "$suite" | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}
[[ $mirror =~ ^(https?|file)://[^[:space:]]+$ ]] || die 2 "bad mirror URL: $mirror"

if ! command -v debootstrap > /dev/null 2>&1; then
  say "installing debootstrap with apt-get"
  [ "$(id -u)" -eq 0 ] || die 2 "debootstrap is missing and installing it needs root"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap > /dev/null
fi

rootfs=$(mktemp -d "${TMPDIR:-/var/tmp}/bluegreen-base.XXXXXX")
cleanup() {
  # An interrupted debootstrap may leave /proc or /sys mounted inside the tree: never delete
  # through a mount.
  awk -v root="$rootfs/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r | while IFS= read -r m; do
    umount -l "$m" || true
  done
  rm -rf --one-file-system "$rootfs" "$rootfs.log"
}
trap cleanup EXIT

started=$(date +%s)
say "debootstrap --variant=minbase $suite $rootfs $mirror"
if ! debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" > "$rootfs.log" 2>&1; then
  tail -n 20 "$rootfs.log" >&2
  die 1 "debootstrap failed"
fi
# Like the official image: updates and security fixes too, when the machine's apt knows a
# security mirror (debootstrap itself only writes the release suite).
security=$(find_mirror "$suite-security" | head -n 1)
{
  echo "deb $mirror $suite main"
  echo "deb $mirror $suite-updates main"
  if [ -n "$security" ]; then echo "deb $security $suite-security main"; fi
} > "$rootfs/etc/apt/sources.list"
# Lean like the official slim image: apt keeps no packages, caches or translations, dpkg
# installs no documentation, man pages or translations (copyright files stay).
cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'Acquire::Languages "none";' > "$rootfs/etc/apt/apt.conf.d/docker-no-languages"
cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

say "tar -C $rootfs -c . | docker import - $tag"
tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$tag" > /dev/null
say "$tag made in $(($(date +%s) - started))s ($(docker image inspect --format '{{.Size}}' "$tag") bytes)"
