#!/usr/bin/env bash
# Takes docs/editor.png: a screenshot of the real Bark EQ editor, run by the standalone build
# under a virtual X server, in demo mode (a shaped curve and pink noise feeding the analyzer).
# With SHOT=match it takes docs/match-panel.png instead: the window enlarged, the Match panel
# opened, the source learned from the demo's noise, a tilt target picked, so the panel proposes
# a match and the plot draws it dashed.
#
# Installs nothing. On Debian/Ubuntu it needs:
#   to build the standalone:  pkg-config libasound2-dev libjack-jackd2-dev
#   to run and capture it:    xvfb xdotool imagemagick libgl1-mesa-dri libglx-mesa0
# e.g. sudo apt-get install pkg-config libasound2-dev libjack-jackd2-dev \
#        xvfb xdotool imagemagick libgl1-mesa-dri libglx-mesa0
#
# Usage: scripts/screenshot.sh [OUTPUT.png [SCALE%]]   (PROFILE=dev for a faster, unoptimised build)
#   scripts/screenshot.sh docs/editor.png
#   scripts/screenshot.sh docs/editor-scaled.png 150    (the editor's UI scale, chosen in its Scale menu)
#   SHOT=match scripts/screenshot.sh                    (docs/match-panel.png; at 100 % only)
set -euo pipefail

cd "$(dirname "$0")/.."
shot=${SHOT:-editor}
case $shot in
    editor) default_output=docs/editor.png ;;
    match) default_output=docs/match-panel.png ;;
    *) echo "SHOT must be editor or match" >&2; exit 1 ;;
esac
output=${1:-$default_output}
scale_percent=${2:-100}
case $scale_percent in 100|125|150|175|200) ;; *) echo "scale must be 100, 125, 150, 175 or 200" >&2; exit 1;; esac
if [ "$shot" = match ] && [ "$scale_percent" != 100 ]; then
    echo "SHOT=match is taken at 100 % (its clicks are measured there)" >&2
    exit 1
fi
profile=${PROFILE:-release}
display_number=${SCREENSHOT_DISPLAY:-:97}
# Seconds the noise plays before the capture, so the analyzer's average has settled.
settle_seconds=${SETTLE_SECONDS:-4}
# Seconds of the demo's noise that Learn source hears (SHOT=match).
learn_seconds=${LEARN_SECONDS:-3}

for tool in Xvfb xdotool import; do
    command -v "$tool" > /dev/null || { echo "missing $tool (see the package list in $0)" >&2; exit 1; }
done

cargo build --profile "$profile" --features standalone --bin bark_eq_standalone
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
binary_dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
binary="$target_dir/$binary_dir/bark_eq_standalone"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
}
trap cleanup EXIT

Xvfb "$display_number" -screen 0 1920x1080x24 -nolisten tcp > /dev/null 2>&1 &
pids+=($!)
export DISPLAY=$display_number
for _ in $(seq 50); do xdotool getmouselocation > /dev/null 2>&1 && break; sleep 0.1; done
kill -0 "${pids[0]}" 2> /dev/null || { echo "Xvfb could not start on $display_number (in use?)" >&2; exit 1; }

# Software OpenGL (Mesa llvmpipe) is all Xvfb offers; the dummy backend needs no audio device.
LIBGL_ALWAYS_SOFTWARE=1 "$binary" --demo --backend dummy --sample-rate 48000 > /dev/null 2>&1 &
pids+=($!)

window=""
# Up to 30 s: a busy machine renders the first frame slowly in software.
for _ in $(seq 300); do
    window=$(xdotool search --name '^Bark EQ$' 2> /dev/null | head -n 1 || true)
    [ -n "$window" ] && break
    sleep 0.1
done
[ -n "$window" ] || { echo "the editor window did not appear" >&2; exit 1; }

# The UI scale, chosen with the mouse in the tools bar's Scale menu (Ctrl + would do too, since
# vendor/egui-baseview's patch, but the menu picks a scale in one step). The points are
# window pixels at 100 %, measured on a 100 % shot: the menu button, and its first entry (75 %)
# with one entry per 25 % below it. A changed tools bar moves them; the size check below says so.
scale_menu_x=483 scale_menu_y=79 first_entry_y=108 entry_height=28
# Let the first frames draw, so the layout exists before the clicks.
sleep 1
initial_size=$(xdotool getwindowgeometry "$window" | sed -n 's/.*Geometry: //p')
if [ "$scale_percent" != 100 ]; then
    entry_y=$(( first_entry_y + (scale_percent - 75) / 25 * entry_height ))
    xdotool mousemove --window "$window" "$scale_menu_x" "$scale_menu_y" click 1
    sleep 0.5
    xdotool mousemove --window "$window" "$scale_menu_x" "$entry_y" click 1
    sleep 0.5
fi
# Waits up to 2 s for the window to be $1 (WIDTHxHEIGHT); else says so, with $2 as the likely
# cause, and fails.
expect_size() {
    local size
    for _ in $(seq 20); do
        size=$(xdotool getwindowgeometry "$window" | sed -n 's/.*Geometry: //p')
        [ "$size" = "$1" ] && return 0
        sleep 0.1
    done
    echo "the window is $size, not $1: $2 (see $0)" >&2
    exit 1
}
# The window grows with the scale: check it did, so a missed click cannot pass for a scaled shot.
width=${initial_size%x*} height=${initial_size#*x}
expect_size "$(( width * scale_percent / 100 ))x$(( height * scale_percent / 100 ))" \
    "the Scale menu moved?"

# Drags with the left button from ($1, $2) to ($3, $4), window pixels, in small steps (egui
# follows a drag by the pointer's motion between press and release).
drag() {
    xdotool mousemove --window "$window" "$1" "$2" mousedown 1
    sleep 0.2
    for step in $(seq 10); do
        xdotool mousemove --window "$window" "$(( $1 + ($3 - $1) * step / 10 ))" \
            "$(( $2 + ($4 - $2) * step / 10 ))"
        sleep 0.05
    done
    xdotool mouseup 1
    sleep 0.5
}
# Clicks at ($1, $2), window pixels, and lets the frame draw.
click() {
    xdotool mousemove --window "$window" "$1" "$2" click 1
    sleep 0.7
}
if [ "$shot" = match ]; then
    # Window pixels measured on 100 % shots of the 900x480 window: the resize corner, the mixing
    # bar's Match toggle, and in the panel where it opens the Learn source toggle, the Target
    # menu and its Tilt -4.5 dB/oct entry, and the title bar the panel is dragged by.
    # Made 1200x760, the window leaves room to drag the panel over the faders, off the plot.
    drag 894 474 1194 754
    expect_size 1200x760 "the resize corner moved?"
    click 544 51
    click 114 110
    sleep "$learn_seconds"
    click 114 110
    click 160 194
    click 165 307
    drag 250 77 250 397
fi
# Keep the pointer off the window so nothing shows as hovered.
xdotool mousemove 1919 1079
sleep "$settle_seconds"
mkdir -p "$(dirname "$output")"
import -window "$window" "$output"
if [ "$shot" = match ]; then
    # The proposal colour (editor::theme::PROPOSAL) marks the proposed curve, its legend and
    # the panel's drawing of it: none in the shot means a click missed.
    proposal_pixels=$(convert "$output" -alpha off -fuzz 3% -fill black +opaque '#c78cf2' \
        -fill white -opaque '#c78cf2' -format '%[fx:round(mean*w*h)]' info:)
    [ "$proposal_pixels" -gt 200 ] || {
        echo "$output shows no proposed match ($proposal_pixels pixels of its colour): the Match panel moved? (see $0)" >&2
        exit 1
    }
fi
echo "wrote $output ($(xdotool getwindowgeometry "$window" | sed -n 's/.*Geometry: //p'))"
