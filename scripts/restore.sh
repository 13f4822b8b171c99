#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a new database, never over an existing one.
#
# Usage: scripts/restore.sh DUMP NEW_DATABASE
#   NEW_DATABASE is a name on the local server (postgres:///NAME, as the current user) or a
#   postgres:// URL naming the server and the new database; it must connect as a superuser, as
#   scripts/ensure_database.py does, to make the database and its two roles.
#
# Steps: check the checksum; refuse if the database exists; make it and its roles
# (<name>_owner, <name>_app) with scripts/ensure_database.py; pg_restore the dump as the owner,
# without the old database's owners and grants (its roles have other names); then
# `manage.py migrate` as the owner, which re-makes the app role's grants (imhs/database_roles.py)
# and applies any migration newer than the dump. The settings come from the environment
# (SECRET_KEY, FIELD_ENCRYPTION_KEYS...) except the two database URLs, which are the new ones.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "Usage: scripts/restore.sh DUMP NEW_DATABASE" >&2
    exit 2
fi
dump="$1"
target="$2"
root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
[[ -x "$python" ]] || python=python3
for program in pg_restore psql; do
    command -v "$program" >/dev/null || {
        echo "restore.sh: $program is missing (Debian: apt-get install postgresql-client)." >&2
        exit 2
    }
done

[[ -f "$dump" ]] || { echo "restore.sh: no backup at $dump." >&2; exit 2; }
[[ -f "$dump.sha256" ]] || { echo "restore.sh: no checksum at $dump.sha256." >&2; exit 2; }
if ! (cd -- "$(dirname -- "$dump")" && sha256sum --check --quiet --status -- "$(basename -- "$dump").sha256"); then
    echo "restore.sh: $dump does not match its checksum: damaged or not the file backed up." >&2
    exit 1
fi
echo "Checksum of $dump verified." >&2

if [[ "$target" == postgres://* || "$target" == postgresql://* ]]; then
    url="$target"
else
    url="postgres:///$target"
fi
# The database's name from the URL (the path, before any query).
name="${url#*://}"
name="${name#*/}"
name="${name%%\?*}"
[[ -n "$name" ]] || { echo "restore.sh: no database name in $target." >&2; exit 2; }
server="${url/\/$name/\/postgres}"
exists="$(psql --no-psqlrc --tuples-only --no-align --dbname="$server" \
    --set=name="$name" <<<"SELECT 1 FROM pg_database WHERE datname = :'name'")"
if [[ -n "$exists" ]]; then
    echo "restore.sh: database $name exists already; restore only into a new one." >&2
    exit 1
fi

urls="$(mktemp -d)"
trap 'rm -rf -- "$urls"' EXIT
DATABASE_URL="$url" "$python" "$root/scripts/ensure_database.py" "$urls/app" "$urls/owner"
app_url="$(cat "$urls/app")"
owner_url="$(cat "$urls/owner")"
owner="$(psql --no-psqlrc --tuples-only --no-align --dbname="$owner_url" <<<"SELECT current_user")"

# --no-owner/--role: everything is created by, so owned by, the new owner role.
# --no-acl: the dump's grants name the old database's app role; migrate grants to the new one.
pg_restore --no-owner --role="$owner" --no-acl --exit-on-error --single-transaction \
    --dbname="$owner_url" "$dump"
echo "Restored $dump into $name as $owner." >&2

(cd -- "$root" && DATABASE_URL="$app_url" DATABASE_OWNER_URL="$owner_url" \
    "$python" manage.py migrate --no-input -v 1)
echo "Database $name is ready. DATABASE_URL=$app_url DATABASE_OWNER_URL=$owner_url" >&2
