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
#endif
