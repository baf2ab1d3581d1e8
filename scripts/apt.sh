# Helpers for the set-up scripts that install Debian packages (sourced, not run). The sourcing
# script defines say() and die(); nothing here installs unless it runs as root on Debian.

is_root() { [ "$(id -u)" = "0" ]; }
is_debian() { [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }

package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

apt_install() {
  # apt-get update only when the package lists were never fetched (a fresh machine).
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
    say "running apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
  fi
  say "installing with apt-get: $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2; then
    say "apt-get install failed; refreshing package lists and trying once more"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 || die "apt-get install $* failed"
  fi
}
