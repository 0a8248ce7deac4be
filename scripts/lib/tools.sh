# shellcheck shell=bash
# Installs the build tools Anrufe needs into a cache outside the clone and puts
# them on PATH. Sourced by scripts/run and scripts/test; every step is skipped
# when its tool is already there, so a warm machine pays nothing.

TOOLS_DIR="${ANRUFE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/anrufe-tools}"
export PATH="$TOOLS_DIR/bin:$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.11
WASM_OPT_VERSION=0.116.1

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root, through sudo when we are not root.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=
apt_install() {
  log "installing Debian packages: $*"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ensure_apt COMMAND PACKAGE...: installs the packages unless the command is there.
ensure_apt() {
  local cmd=$1; shift
  command -v "$cmd" >/dev/null 2>&1 || apt_install "$@"
}

ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install postgresql
  fi
  PG_BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  export PG_BIN
  # The server's backups use the pg_dump and pg_restore of the same version.
  export PG_BIN_DIR="${PG_BIN_DIR:-$PG_BIN}"
}

# backup_keys FILE: a key pair for the backups of a demo or a test, the identity in FILE (made
# once with Debian's age-keygen); exports BACKUP_RECIPIENTS and BACKUP_DRILL_IDENTITY_FILE.
# A practice keeps its identity offline instead (README, "Backups").
backup_keys() {
  local identity=$1
  ensure_apt age-keygen age
  [ -f "$identity" ] || age-keygen -o "$identity" 2>/dev/null
  BACKUP_RECIPIENTS=$(age-keygen -y "$identity")
  BACKUP_DRILL_IDENTITY_FILE=$identity
  export BACKUP_RECIPIENTS BACKUP_DRILL_IDENTITY_FILE
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return 0
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

# Installs a crate from its published source after pinning one dependency of
# its lockfile: the published lockfiles of these tools name versions that do
# not build on this toolchain or are missing from the registry.
install_patched_crate() {
  local krate=$1 version=$2 dep=$3 dep_version=$4; shift 4
  local work
  work=$(mktemp -d)
  log "installing $krate $version (once, into $TOOLS_DIR)"
  cargo info --quiet "$krate@$version" >/dev/null
  local archive
  archive=$(ls "$HOME"/.cargo/registry/cache/*/"$krate-$version.crate" | head -1)
  [ -f "$archive" ] || die "could not fetch $krate $version from the registry"
  tar -xzf "$archive" -C "$work"
  (
    cd "$work/$krate-$version"
    cargo update --quiet -p "$dep" --precise "$dep_version"
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      CARGO_TARGET_DIR="$work/target" \
      cargo install --quiet --path . --locked --root "$TOOLS_DIR" "$@"
  )
  rm -rf "$work"
}

ensure_cargo_leptos() {
  if cargo-leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then return 0; fi
  install_patched_crate cargo-leptos "$CARGO_LEPTOS_VERSION" \
    cargo-util-schemas 0.14.1 --features no_downloads
}

# wasm-bindgen-cli must match the wasm-bindgen version in Cargo.lock exactly.
ensure_wasm_bindgen() {
  local root=$1 version
  version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$root/Cargo.lock")
  [ -n "$version" ] || die "no wasm-bindgen in $root/Cargo.lock"
  if wasm-bindgen --version 2>/dev/null | grep -q " $version"; then return 0; fi
  install_patched_crate wasm-bindgen-cli "$version" webpki-roots 1.0.10
}

# Only release builds run wasm-opt; Debian's binaryen breaks hydration.
ensure_wasm_opt() {
  if wasm-opt --version 2>/dev/null | grep -q "version 116"; then return 0; fi
  log "installing wasm-opt $WASM_OPT_VERSION (once, into $TOOLS_DIR)"
  CARGO_TARGET_DIR=$(mktemp -d) cargo install --quiet --locked --root "$TOOLS_DIR" \
    wasm-opt --version "$WASM_OPT_VERSION"
}

# rustfmt and clippy, which the test command runs first.
ensure_lint_tools() {
  local installed
  installed=$(rustup component list --installed)
  for component in rustfmt clippy; do
    grep -q "^$component" <<<"$installed" && continue
    log "adding the $component component"
    rustup component add "$component"
  done
}

ensure_build_tools() {
  local root=$1
  ensure_wasm_target
  ensure_cargo_leptos
  ensure_wasm_bindgen "$root"
}
