/// The four built-in themes, embedded so the console has them wherever the binary is installed.
///
/// The same text is in `Themes/*.theme` for people to read and copy; a test keeps the two in step.
/// After editing a file there, paste it here (or the other way round).
enum BuiltinThemeSources {
    static let defaultTheme = #"""
# Stampwatch colour theme: default (dark).
#
# Format: one setting per line, `key = value`; `#` starts a comment.
#   <slot>.fg = colour      the text colour
#   <slot>.bg = colour      the background colour
#   style.<slot> = words    any of: bold dim reverse underline (or none)
# Colours: #rrggbb, a palette number 0-255, a name (red, bright-blue, ...) or `default`
# (the terminal's own colour). Terminals with fewer colours get the nearest they have; in
# monochrome or with NO_COLOR set, colours are dropped and a slot with its own background shows
# in reverse video instead. So meaning never rests on colour alone: the screens also say it in
# words and symbols, and each important slot carries an attribute.
# Slots left out keep the default theme's style.

name = default

# Text and panels: the terminal's own colours, so it reads on any dark terminal.
base.fg = default
base.bg = default
muted.fg = 245
title.fg = 111
style.title = bold
border.fg = 240
border.focus.fg = 111
style.border.focus = bold
header.fg = 254
header.bg = 238
style.header = bold
selected.fg = 111
style.selected = reverse bold
highlight.fg = 221
style.highlight = bold underline

# Status bar and tabs
status.fg = 252
status.bg = 236
status.key.fg = 221
status.key.bg = 236
style.status.key = bold
tab.active.fg = 231
tab.active.bg = 25
style.tab.active = bold
tab.inactive.fg = 248
tab.inactive.bg = 236

# Input
input.fg = 252
input.bg = 237
input.focus.fg = 231
input.focus.bg = 24
style.input.focus = bold
placeholder.fg = 243
label.fg = 250
button.fg = 252
button.bg = 238
button.focus.fg = 231
button.focus.bg = 25
style.button.focus = bold underline

# Messages
error.fg = #ef5350
style.error = bold
warning.fg = #ffb74d
style.warning = bold
success.fg = #66bb6a
style.success = bold
info.fg = #4fc3f7

# Dialogs and help
modal.fg = 252
modal.bg = 237
modal.title.fg = 231
modal.title.bg = 237
style.modal.title = bold
help.key.fg = 221
style.help.key = bold
help.text.fg = 252
help.group.fg = 111
style.help.group = bold underline

# Progress, charts, timelines
progress.done.fg = #66bb6a
progress.todo.fg = 240
chart.bar.fg = 74
chart.label.fg = 250
sparkline.fg = 74
timeline.time.fg = 245
timeline.marker.fg = 111
style.timeline.marker = bold

# Verdicts: the screens always print the verdict word and its symbol next to the colour.
verdict.genuine.fg = #66bb6a
style.verdict.genuine = bold
verdict.suspect.fg = #ffb74d
style.verdict.suspect = bold
verdict.unverifiable.fg = 250
style.verdict.unverifiable = bold underline
verdict.counterfeit.fg = 231
verdict.counterfeit.bg = #c62828
style.verdict.counterfeit = bold
verdict.malformed.fg = #ce93d8
style.verdict.malformed = bold
"""#

    static let light = #"""
# Stampwatch colour theme: light.
#
# Format: one setting per line, `key = value`; `#` starts a comment.
#   <slot>.fg = colour      the text colour
#   <slot>.bg = colour      the background colour
#   style.<slot> = words    any of: bold dim reverse underline (or none)
# Colours: #rrggbb, a palette number 0-255, a name (red, bright-blue, ...) or `default`
# (the terminal's own colour). Terminals with fewer colours get the nearest they have; in
# monochrome or with NO_COLOR set, colours are dropped and a slot with its own background shows
# in reverse video instead. So meaning never rests on colour alone: the screens also say it in
# words and symbols, and each important slot carries an attribute.
# Slots left out keep the default theme's style.

name = light

# Text and panels: dark text on white, for light terminals and offices.
base.fg = #1f2328
base.bg = #ffffff
muted.fg = #57606a
title.fg = #0a3069
style.title = bold
border.fg = #8c959f
border.focus.fg = #0969da
style.border.focus = bold
header.fg = #1f2328
header.bg = #d0d7de
style.header = bold
selected.fg = #0969da
style.selected = reverse bold
highlight.fg = #953800
style.highlight = bold underline

# Status bar and tabs
status.fg = #1f2328
status.bg = #d0d7de
status.key.fg = #0a3069
status.key.bg = #d0d7de
style.status.key = bold
tab.active.fg = #ffffff
tab.active.bg = #0969da
style.tab.active = bold
tab.inactive.fg = #424a53
tab.inactive.bg = #eaeef2

# Input
input.fg = #1f2328
input.bg = #eaeef2
input.focus.fg = #1f2328
input.focus.bg = #ddf4ff
style.input.focus = bold
placeholder.fg = #6e7781
label.fg = #424a53
button.fg = #1f2328
button.bg = #d0d7de
button.focus.fg = #ffffff
button.focus.bg = #0969da
style.button.focus = bold underline

# Messages
error.fg = #cf222e
style.error = bold
warning.fg = #9a6700
style.warning = bold
success.fg = #1a7f37
style.success = bold
info.fg = #0969da

# Dialogs and help
modal.fg = #1f2328
modal.bg = #f6f8fa
modal.title.fg = #0a3069
modal.title.bg = #f6f8fa
style.modal.title = bold
help.key.fg = #953800
style.help.key = bold
help.text.fg = #1f2328
help.group.fg = #0a3069
style.help.group = bold underline

# Progress, charts, timelines
progress.done.fg = #1a7f37
progress.todo.fg = #afb8c1
chart.bar.fg = #0969da
chart.label.fg = #424a53
sparkline.fg = #0969da
timeline.time.fg = #57606a
timeline.marker.fg = #0969da
style.timeline.marker = bold

# Verdicts: the screens always print the verdict word and its symbol next to the colour.
verdict.genuine.fg = #2e7d32
style.verdict.genuine = bold
verdict.suspect.fg = #9a6700
style.verdict.suspect = bold
verdict.unverifiable.fg = #57606a
style.verdict.unverifiable = bold underline
verdict.counterfeit.fg = #ffffff
verdict.counterfeit.bg = #b71c1c
style.verdict.counterfeit = bold
verdict.malformed.fg = #6a1b9a
style.verdict.malformed = bold
"""#

    static let highContrast = #"""
# Stampwatch colour theme: high contrast.
#
# Format: one setting per line, `key = value`; `#` starts a comment.
#   <slot>.fg = colour      the text colour
#   <slot>.bg = colour      the background colour
#   style.<slot> = words    any of: bold dim reverse underline (or none)
# Colours: #rrggbb, a palette number 0-255, a name (red, bright-blue, ...) or `default`
# (the terminal's own colour). Terminals with fewer colours get the nearest they have; in
# monochrome or with NO_COLOR set, colours are dropped and a slot with its own background shows
# in reverse video instead. So meaning never rests on colour alone: the screens also say it in
# words and symbols, and each important slot carries an attribute.
# Slots left out keep the default theme's style.

name = high-contrast

# Pure black and white with saturated accents, everything that matters in bold: for low vision
# and for projectors. Only the 16 basic colours, so it looks the same on every terminal.
base.fg = bright-white
base.bg = black
muted.fg = white
title.fg = bright-yellow
style.title = bold underline
border.fg = bright-white
border.focus.fg = bright-yellow
style.border.focus = bold
header.fg = black
header.bg = bright-white
style.header = bold
selected.fg = bright-yellow
style.selected = reverse bold
highlight.fg = bright-cyan
style.highlight = bold underline

# Status bar and tabs
status.fg = black
status.bg = bright-white
status.key.fg = black
status.key.bg = bright-yellow
style.status.key = bold
tab.active.fg = black
tab.active.bg = bright-yellow
style.tab.active = bold underline
tab.inactive.fg = bright-white
tab.inactive.bg = black

# Input
input.fg = bright-white
input.bg = black
style.input = underline
input.focus.fg = black
input.focus.bg = bright-white
style.input.focus = bold
placeholder.fg = white
label.fg = bright-white
style.label = bold
button.fg = bright-white
button.bg = black
style.button = bold
button.focus.fg = black
button.focus.bg = bright-yellow
style.button.focus = bold underline

# Messages
error.fg = bright-red
style.error = bold underline
warning.fg = bright-yellow
style.warning = bold
success.fg = bright-green
style.success = bold
info.fg = bright-cyan
style.info = bold

# Dialogs and help
modal.fg = bright-white
modal.bg = black
modal.title.fg = bright-yellow
modal.title.bg = black
style.modal.title = bold underline
help.key.fg = bright-yellow
style.help.key = bold
help.text.fg = bright-white
help.group.fg = bright-cyan
style.help.group = bold underline

# Progress, charts, timelines
progress.done.fg = bright-green
style.progress.done = bold
progress.todo.fg = white
chart.bar.fg = bright-cyan
chart.label.fg = bright-white
sparkline.fg = bright-cyan
timeline.time.fg = bright-white
timeline.marker.fg = bright-yellow
style.timeline.marker = bold

# Verdicts: the screens always print the verdict word and its symbol next to the colour.
verdict.genuine.fg = black
verdict.genuine.bg = bright-green
style.verdict.genuine = bold
verdict.suspect.fg = black
verdict.suspect.bg = bright-yellow
style.verdict.suspect = bold
verdict.unverifiable.fg = black
verdict.unverifiable.bg = bright-white
style.verdict.unverifiable = bold underline
verdict.counterfeit.fg = bright-white
verdict.counterfeit.bg = red
style.verdict.counterfeit = bold underline
verdict.malformed.fg = black
verdict.malformed.bg = bright-magenta
style.verdict.malformed = bold
"""#

    static let sunlight = #"""
# Stampwatch colour theme: sunlight.
#
# Format: one setting per line, `key = value`; `#` starts a comment.
#   <slot>.fg = colour      the text colour
#   <slot>.bg = colour      the background colour
#   style.<slot> = words    any of: bold dim reverse underline (or none)
# Colours: #rrggbb, a palette number 0-255, a name (red, bright-blue, ...) or `default`
# (the terminal's own colour). Terminals with fewer colours get the nearest they have; in
# monochrome or with NO_COLOR set, colours are dropped and a slot with its own background shows
# in reverse video instead. So meaning never rests on colour alone: the screens also say it in
# words and symbols, and each important slot carries an attribute.
# Slots left out keep the default theme's style.

name = sunlight

# For a laptop or handheld outdoors: pure white background, black bold text, no pale greys
# (they wash out in glare), and dark, saturated accents with wide bands for anything important.
base.fg = #000000
base.bg = #ffffff
style.base = bold
muted.fg = #303030
title.fg = #000000
style.title = bold underline
border.fg = #000000
border.focus.fg = #0033aa
style.border.focus = bold
header.fg = #ffffff
header.bg = #000000
style.header = bold
selected.fg = #0033aa
style.selected = reverse bold
highlight.fg = #8a2be2
style.highlight = bold underline

# Status bar and tabs
status.fg = #ffffff
status.bg = #000000
style.status = bold
status.key.fg = #ffd700
status.key.bg = #000000
style.status.key = bold
tab.active.fg = #ffffff
tab.active.bg = #0033aa
style.tab.active = bold underline
tab.inactive.fg = #000000
tab.inactive.bg = #d0d0d0
style.tab.inactive = bold

# Input
input.fg = #000000
input.bg = #e8e8e8
style.input = bold
input.focus.fg = #000000
input.focus.bg = #ffff66
style.input.focus = bold
placeholder.fg = #404040
label.fg = #000000
style.label = bold
button.fg = #000000
button.bg = #d0d0d0
style.button = bold
button.focus.fg = #ffffff
button.focus.bg = #0033aa
style.button.focus = bold underline

# Messages
error.fg = #b00000
style.error = bold underline
warning.fg = #8a4b00
style.warning = bold
success.fg = #006400
style.success = bold
info.fg = #0033aa
style.info = bold

# Dialogs and help
modal.fg = #000000
modal.bg = #ffffff
modal.title.fg = #0033aa
modal.title.bg = #ffffff
style.modal.title = bold underline
help.key.fg = #0033aa
style.help.key = bold
help.text.fg = #000000
help.group.fg = #000000
style.help.group = bold underline

# Progress, charts, timelines
progress.done.fg = #006400
style.progress.done = bold
progress.todo.fg = #606060
chart.bar.fg = #0033aa
chart.label.fg = #000000
sparkline.fg = #0033aa
timeline.time.fg = #303030
timeline.marker.fg = #0033aa
style.timeline.marker = bold

# Verdicts: wide bands of colour, and always the verdict word and its symbol.
verdict.genuine.fg = #ffffff
verdict.genuine.bg = #006400
style.verdict.genuine = bold
verdict.suspect.fg = #000000
verdict.suspect.bg = #ffb000
style.verdict.suspect = bold
verdict.unverifiable.fg = #ffffff
verdict.unverifiable.bg = #404040
style.verdict.unverifiable = bold underline
verdict.counterfeit.fg = #ffffff
verdict.counterfeit.bg = #b00000
style.verdict.counterfeit = bold underline
verdict.malformed.fg = #ffffff
verdict.malformed.bg = #6a1b9a
style.verdict.malformed = bold
"""#

}
