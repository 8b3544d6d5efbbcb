#!/bin/sh
# Runs inside `dbus-run-session`: starts an unlocked gnome-keyring (Secret Service) on the
# private session bus, then runs the given command. Used by the test command only.
set -e
eval "$(printf 'pw' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
export GNOME_KEYRING_CONTROL
exec "$@"
