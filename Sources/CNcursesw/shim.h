#ifndef STAMPWATCH_CNCURSESW_SHIM_H
#define STAMPWATCH_CNCURSESW_SHIM_H
// Wide-character curses: these must come before <curses.h>.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <ncursesw/curses.h>

// Macro-only APIs, wrapped so Swift can call them.
static inline int sw_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int sw_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int sw_getmaxx(WINDOW *w) { return getmaxx(w); }
static inline WINDOW *sw_stdscr(void) { return stdscr; }
static inline int sw_colors(void) { return COLORS; }
static inline int sw_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t sw_a_bold(void) { return A_BOLD; }
static inline attr_t sw_a_reverse(void) { return A_REVERSE; }
static inline attr_t sw_a_underline(void) { return A_UNDERLINE; }
static inline attr_t sw_a_dim(void) { return A_DIM; }
static inline int sw_key_resize(void) { return KEY_RESIZE; }
// TerminalUI: mouse masks (NCURSES_MOUSE_MASK is a function-like macro) and the curscr global.
static inline mmask_t sw_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t sw_report_mouse_position(void) { return REPORT_MOUSE_POSITION; }
// kind: 1 released, 2 pressed, 4 clicked (NCURSES_BUTTON_*); buttons 4 and 5 are the wheel.
static inline mmask_t sw_button_mask(int button, int kind) { return NCURSES_MOUSE_MASK(button, kind); }
static inline WINDOW *sw_curscr(void) { return curscr; }
static inline int sw_key_mouse(void) { return KEY_MOUSE; }
#endif
