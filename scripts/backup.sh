#!/usr/bin/env bash
# A full backup of the database: pg_dump's custom format (compressed; pg_restore can pick from it)
# plus a .sha256 file, so a restore can tell a damaged or truncated copy before it starts.
#
# Usage: scripts/backup.sh [FILE]
#   FILE defaults to $BACKUP_DIR/imhs-YYYYmmdd-HHMMSS.dump (UTC; BACKUP_DIR: backups). The
#   database is the one named by DATABASE_OWNER_URL (the owner reads every table), else
#   DATABASE_URL.
# The dump holds encrypted fields as ciphertext: it cannot be read without FIELD_ENCRYPTION_KEYS,
# which are kept apart from it (docs/operations.md, "Backups"; ADR 0009).
set -euo pipefail

url="${DATABASE_OWNER_URL:-${DATABASE_URL:-}}"
if [[ -z "$url" ]]; then
    echo "backup.sh: set DATABASE_OWNER_URL or DATABASE_URL to the database to back up." >&2
    exit 2
fi
command -v pg_dump >/dev/null || {
    echo "backup.sh: pg_dump is missing (Debian: apt-get install postgresql-client)." >&2
    exit 2
}

file="${1:-${BACKUP_DIR:-backups}/imhs-$(date -u +%Y%m%d-%H%M%S).dump}"
dir="$(dirname -- "$file")"
name="$(basename -- "$file")"
mkdir -p -- "$dir"

# Written beside the target and renamed at the end: a backup that failed half-way never looks
# like a finished one.
partial="$dir/.$name.partial"
trap 'rm -f -- "$partial"' EXIT
pg_dump --format=custom --file="$partial" --dbname="$url"
mv -- "$partial" "$file"
(cd -- "$dir" && sha256sum -- "$name" >"$name.sha256")

echo "Backed up to $file ($(du -h -- "$file" | cut -f1)), checksum in $file.sha256." >&2
