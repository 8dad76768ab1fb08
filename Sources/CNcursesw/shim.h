// Wide-character ncurses for the workbench, plus wrappers for the macros Swift cannot import.
#pragma once
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/curses.h>

static inline attr_t dtr_a_normal(void) { return A_NORMAL; }
static inline attr_t dtr_a_bold(void) { return A_BOLD; }
static inline attr_t dtr_a_dim(void) { return A_DIM; }
static inline attr_t dtr_a_reverse(void) { return A_REVERSE; }
static inline attr_t dtr_a_underline(void) { return A_UNDERLINE; }
static inline int dtr_color_pair(int pair) { return (int)COLOR_PAIR(pair); }
static inline WINDOW *dtr_stdscr(void) { return stdscr; }
static inline int dtr_colors(void) { return COLORS; }
static inline int dtr_color_pairs(void) { return COLOR_PAIRS; }
static inline void dtr_getmaxyx(WINDOW *win, int *rows, int *cols) {
  int y, x;
  getmaxyx(win, y, x);
  *rows = y;
  *cols = x;
}
/// Puts one wide character with attributes and an (extended) colour pair at row y, column x.
static inline int dtr_put_wch(int y, int x, wchar_t ch, attr_t attrs, int pair) {
  cchar_t cell;
  wchar_t text[2] = {ch, 0};
  setcchar(&cell, text, attrs, 0, &pair);
  return mvadd_wch(y, x, &cell);
}
/// Sets the screen's background (what ncurses erases and compares blanks with) to attributes and a pair.
static inline int dtr_set_background(attr_t attrs, int pair) {
  cchar_t cell;
  wchar_t text[2] = {L' ', 0};
  setcchar(&cell, text, attrs, 0, &pair);
  return wbkgrnd(stdscr, &cell);
}
