/* tests/data/xlsx/make_t.c — writes t.xlsx, the workbook of the .xlsx golden
 * cases, with libxlsxwriter (the library coinnet links for its xlsx
 * tables). Build and run from the source tree:
 *   cc tests/data/xlsx/make_t.c $(pkg-config --cflags --libs xlsxwriter) -o /tmp/make_t
 *   /tmp/make_t tests/data/xlsx/t.xlsx
 * Sheet "firms": integers, doubles, shared strings (CJK and ASCII), codes
 * with leading zeros stored as text, numbers stored as text, booleans, a
 * date column (custom format yyyy-mm-dd), formulas with their cached
 * results, missing cells. Sheet "prices": a second small table. */
#include <xlsxwriter.h>

int main(int argc, char **argv) {
  lxw_workbook *wb = workbook_new(argc > 1 ? argv[1] : "t.xlsx");
  lxw_worksheet *ws = workbook_add_worksheet(wb, "firms");
  lxw_worksheet *ws2 = workbook_add_worksheet(wb, "prices");
  lxw_format *date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  const char *head[] = {"firm", "year", "name", "sales", "hs6", "employees", "listed",
                        "founded", "sales2"};
  for (int j = 0; j < 9; j++) worksheet_write_string(ws, 0, (lxw_col_t)j, head[j], NULL);
  /* firm year name sales hs6 employees listed founded sales2=D*2 */
  int firm[] = {1, 1, 2, 2};
  int year[] = {2010, 2011, 2010, 2011};
  const char *name[] = {"甲公司", "甲公司", "Beta, Ltd.", NULL};
  double sales[] = {5.5, -1, 10, 12.25}; /* -1: no cell */
  const char *hs6[] = {"010121", "010121", "847130", "847130"};
  const char *emp[] = {"120", "85", "NA", "300"};
  int listed[] = {1, 1, 0, 0};
  lxw_datetime founded[] = {{1998, 7, 1, 0, 0, 0}, {1998, 7, 1, 0, 0, 0},
                            {2005, 1, 31, 0, 0, 0}, {0, 0, 0, 0, 0, 0}};
  for (int i = 0; i < 4; i++) {
    lxw_row_t r = (lxw_row_t)i + 1;
    char f[32];
    worksheet_write_number(ws, r, 0, firm[i], NULL);
    worksheet_write_number(ws, r, 1, year[i], NULL);
    if (name[i]) worksheet_write_string(ws, r, 2, name[i], NULL);
    if (sales[i] >= 0) worksheet_write_number(ws, r, 3, sales[i], NULL);
    worksheet_write_string(ws, r, 4, hs6[i], NULL);
    worksheet_write_string(ws, r, 5, emp[i], NULL);
    worksheet_write_boolean(ws, r, 6, listed[i], NULL);
    if (founded[i].year) worksheet_write_datetime(ws, r, 7, &founded[i], date);
    snprintf(f, sizeof f, "=D%d*2", i + 2);
    worksheet_write_formula_num(ws, r, 8, f, NULL, sales[i] >= 0 ? sales[i] * 2 : 0);
  }
  worksheet_write_string(ws2, 0, 0, "year", NULL);
  worksheet_write_string(ws2, 0, 1, "price", NULL);
  worksheet_write_number(ws2, 1, 0, 2010, NULL);
  worksheet_write_number(ws2, 1, 1, 1.5, NULL);
  worksheet_write_number(ws2, 2, 0, 2011, NULL);
  worksheet_write_number(ws2, 2, 1, 2, NULL);
  return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
