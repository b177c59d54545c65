/* tests/unit/test_xlsx.c — the .xlsx reader (lib/table/xlsx.c).
 *
 * Workbooks are made inside each test: with libxlsxwriter (as Excel-like
 * files are made), or part by part with a small stored-ZIP writer below
 * when a test needs XML that libxlsxwriter does not write (inline strings,
 * error cells, phonetic runs, damaged files). Expected values are the
 * values written, typed by hand as the CSV reader types the same texts. */
#include <stdlib.h>
#include <xlsxwriter.h>
#include <zlib.h>
#include "test.h"

/* ---- a stored (or deflated) ZIP writer ---- */

static void put16(FILE *f, unsigned v) {
  fputc((int)(v & 255), f);
  fputc((int)(v >> 8 & 255), f);
}
static void put32(FILE *f, unsigned long v) {
  put16(f, (unsigned)(v & 0xFFFF));
  put16(f, (unsigned)(v >> 16 & 0xFFFF));
}

/* Raw deflate of s[0..n) into a malloc'd buffer. */
static unsigned char *deflate_raw(const void *s, size_t n, size_t *out) {
  z_stream z;
  memset(&z, 0, sizeof z);
  deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  size_t cap = deflateBound(&z, (uLong)n);
  unsigned char *b = malloc(cap);
  z.next_in = (Bytef *)s;
  z.avail_in = (uInt)n;
  z.next_out = b;
  z.avail_out = (uInt)cap;
  deflate(&z, Z_FINISH);
  *out = z.total_out;
  deflateEnd(&z);
  return b;
}

/* Writes a ZIP of n parts (names[i], data[i] of lens[i] bytes, or strlen
 * when lens is NULL); deflated when deflated != 0. */
static void write_zip(const char *path, int n, const char *const *names,
                      const char *const *data, const size_t *lens, int deflated) {
  FILE *f = fopen(path, "wb");
  unsigned long off[16], crc[16], usize[16], csize[16];
  for (int i = 0; i < n; i++) {
    size_t len = lens ? lens[i] : strlen(data[i]), cl = len;
    unsigned char *c = deflated ? deflate_raw(data[i], len, &cl) : NULL;
    off[i] = (unsigned long)ftell(f);
    crc[i] = crc32(0, (const Bytef *)data[i], (uInt)len);
    usize[i] = (unsigned long)len;
    csize[i] = (unsigned long)cl;
    put32(f, 0x04034b50);
    put16(f, 20), put16(f, 0), put16(f, deflated ? 8 : 0), put16(f, 0), put16(f, 0);
    put32(f, crc[i]), put32(f, csize[i]), put32(f, usize[i]);
    put16(f, (unsigned)strlen(names[i])), put16(f, 0);
    fputs(names[i], f);
    fwrite(c ? (const void *)c : data[i], 1, cl, f);
    free(c);
  }
  unsigned long cd = (unsigned long)ftell(f);
  for (int i = 0; i < n; i++) {
    put32(f, 0x02014b50);
    put16(f, 20), put16(f, 20), put16(f, 0), put16(f, deflated ? 8 : 0), put16(f, 0),
        put16(f, 0);
    put32(f, crc[i]), put32(f, csize[i]), put32(f, usize[i]);
    put16(f, (unsigned)strlen(names[i])), put16(f, 0), put16(f, 0), put16(f, 0), put16(f, 0);
    put32(f, 0), put32(f, off[i]);
    fputs(names[i], f);
  }
  unsigned long cdlen = (unsigned long)ftell(f) - cd;
  put32(f, 0x06054b50);
  put16(f, 0), put16(f, 0), put16(f, (unsigned)n), put16(f, (unsigned)n);
  put32(f, cdlen), put32(f, cd), put16(f, 0);
  fclose(f);
}

static const char *WB =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char *WB_RELS =
    "<Relationships><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "</Relationships>";

/* A one-sheet workbook (sheet "S") from its sheet XML and shared strings
 * (NULL: none); returns its path. */
static const char *hand_book(const char *file, const char *sheet, const char *sst,
                             const char *styles) {
  const char *p = cn_test_path(cn_test_tmpdir(), file);
  const char *names[6] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                          "xl/worksheets/sheet1.xml"};
  const char *data[6] = {WB, WB_RELS, sheet};
  int n = 3;
  if (sst) names[n] = "xl/sharedStrings.xml", data[n++] = sst;
  if (styles) names[n] = "xl/styles.xml", data[n++] = styles;
  write_zip(p, n, names, data, NULL, 0);
  return p;
}

static cn_table *read_ok(const char *path, const cn_read_opts *o) {
  cn_table *t = NULL;
  cn_diag d;
  cn_status st = cn_table_read(path, o, &t, &d);
  CHECK_STATUS(st, CN_OK, &d);
  return t;
}

/* Reads path expecting CN_EDATA; returns the formatted diagnostic. */
static const char *read_err(const char *path, const cn_read_opts *o) {
  static char msg[2048];
  cn_table *t = NULL;
  cn_diag d;
  cn_status st = cn_table_read(path, o, &t, &d);
  CHECK_STATUS(st, CN_EDATA, &d);
  CHECK(t == NULL);
  cn_diag_format(&d, NULL, msg, sizeof msg);
  cn_table_free(t);
  return msg;
}

/* A log callback that appends each message and a newline to ud. */
static void keep_note(void *ud, cn_log_level level, const char *msg) {
  (void)level;
  char *buf = ud;
  size_t n = strlen(buf);
  snprintf(buf + n, 4096 - n, "%s\n", msg);
}

static const char *text_of(const cn_table *t, int col, int64_t row) {
  static char buf[256];
  if (cn_table_is_na(t, col, row)) return "<NA>";
  cn_table_cell_text(t, col, row, buf, sizeof buf);
  return buf;
}

/* A workbook as a user's Excel would hold it, written by libxlsxwriter:
 * every kind of cell in the first sheet, a second sheet. */
TEST(xlsx_reads_cells_written_by_libxlsxwriter) {
  const char *p = cn_test_path(cn_test_tmpdir(), "w.xlsx");
  lxw_workbook *wb = workbook_new(p);
  lxw_worksheet *ws = workbook_add_worksheet(wb, "data");
  lxw_worksheet *ws2 = workbook_add_worksheet(wb, "其他");
  lxw_format *d14 = workbook_add_format(wb), *d22 = workbook_add_format(wb),
             *bold = workbook_add_format(wb);
  format_set_num_format_index(d14, 14);
  format_set_num_format_index(d22, 22);
  format_set_bold(bold);
  const char *head[] = {"id", "x", "name", "code", "n_txt", "flag", "day", "stamp", "f", "rich"};
  for (int j = 0; j < 10; j++) worksheet_write_string(ws, 0, (lxw_col_t)j, head[j], NULL);
  /* row 2 */
  worksheet_write_number(ws, 1, 0, 1, NULL);
  worksheet_write_number(ws, 1, 1, 0.1, NULL);
  worksheet_write_string(ws, 1, 2, "北京 Co.", NULL);
  worksheet_write_string(ws, 1, 3, "007", NULL);
  worksheet_write_string(ws, 1, 4, "42", NULL);
  worksheet_write_boolean(ws, 1, 5, 1, NULL);
  lxw_datetime day = {2010, 3, 15, 0, 0, 0}, stamp = {2010, 3, 15, 13, 45, 30};
  worksheet_write_datetime(ws, 1, 6, &day, d14);
  worksheet_write_datetime(ws, 1, 7, &stamp, d22);
  worksheet_write_formula_num(ws, 1, 8, "=B2*10", NULL, 1);
  lxw_rich_string_tuple r1 = {.format = bold, .string = "bold "}, r2 = {.format = NULL, .string = "plain"};
  lxw_rich_string_tuple *rich[] = {&r1, &r2, NULL};
  worksheet_write_rich_string(ws, 1, 9, rich, NULL);
  /* row 3: missing cells in x, name, stamp, rich */
  worksheet_write_number(ws, 2, 0, 2, NULL);
  worksheet_write_string(ws, 2, 3, "010", NULL);
  worksheet_write_string(ws, 2, 4, "7", NULL);
  worksheet_write_boolean(ws, 2, 5, 0, NULL);
  lxw_datetime day2 = {1999, 12, 31, 0, 0, 0};
  worksheet_write_datetime(ws, 2, 6, &day2, d14);
  worksheet_write_formula_num(ws, 2, 8, "=1/4", NULL, 0.25);
  worksheet_write_string(ws2, 0, 0, "k", NULL);
  worksheet_write_number(ws2, 1, 0, 3.5, NULL);
  CHECK(workbook_close(wb) == LXW_NO_ERROR);

  cn_table *t = read_ok(p, NULL);
  if (!t) return;
  CHECK_INT(cn_table_nrow(t), 2);
  CHECK_INT(cn_table_ncol(t), 10);
  for (int j = 0; j < 10 && j < cn_table_ncol(t); j++) CHECK_STR(cn_table_name(t, j), head[j]);
  CHECK_INT(cn_table_type(t, 0), CN_INT64);
  CHECK_INT(cn_table_i64(t, 0)[1], 2);
  CHECK_INT(cn_table_type(t, 1), CN_DOUBLE);
  CHECK(cn_table_dbl(t, 1)[0] == 0.1);
  CHECK(cn_table_is_na(t, 1, 1));
  CHECK_INT(cn_table_type(t, 2), CN_STRING);
  CHECK_STR(text_of(t, 2, 0), "北京 Co.");
  CHECK(cn_table_is_na(t, 2, 1));
  /* "007" is a code, as in CSV; "42" stored as text is a number, as in CSV */
  CHECK_INT(cn_table_type(t, 3), CN_STRING);
  CHECK_STR(text_of(t, 3, 0), "007");
  CHECK_STR(text_of(t, 3, 1), "010");
  CHECK_INT(cn_table_type(t, 4), CN_INT64);
  CHECK_INT(cn_table_i64(t, 4)[0], 42);
  CHECK_INT(cn_table_type(t, 5), CN_INT64); /* booleans are 0/1 */
  CHECK_INT(cn_table_i64(t, 5)[0], 1);
  CHECK_INT(cn_table_i64(t, 5)[1], 0);
  CHECK_INT(cn_table_type(t, 6), CN_STRING); /* format 14: a date */
  CHECK_STR(text_of(t, 6, 0), "2010-03-15");
  CHECK_STR(text_of(t, 6, 1), "1999-12-31");
  CHECK_STR(text_of(t, 7, 0), "2010-03-15 13:45:30"); /* format 22 */
  CHECK(cn_table_is_na(t, 7, 1));
  CHECK_INT(cn_table_type(t, 8), CN_DOUBLE); /* formulas: their cached results */
  CHECK(cn_table_dbl(t, 8)[0] == 1 && cn_table_dbl(t, 8)[1] == 0.25);
  CHECK_STR(text_of(t, 9, 0), "bold plain"); /* rich text: its runs joined */
  cn_table_free(t);

  cn_read_opts o;
  cn_read_opts_init(&o);
  const char *pick[] = {"其他", "2"};
  for (int k = 0; k < 2; k++) {
    o.sheet = pick[k];
    t = read_ok(p, &o);
    if (!t) continue;
    CHECK_INT(cn_table_ncol(t), 1);
    CHECK_STR(cn_table_name(t, 0), "k");
    CHECK_INT(cn_table_nrow(t), 1);
    CHECK(cn_table_dbl(t, 0)[0] == 3.5);
    cn_table_free(t);
  }
  o.sheet = "dta";
  const char *m = read_err(p, &o);
  CHECK(strstr(m, "w.xlsx: no sheet \"dta\" in the workbook (its sheets: \"data\", \"其他\")"));
  CHECK(strstr(m, "did you mean --sheet \"data\"?"));
  o.sheet = "3";
  CHECK(strstr(read_err(p, &o), "no sheet \"3\""));
  /* --no-header: the header row is data, columns v1 ... */
  cn_read_opts_init(&o);
  o.no_header = 1;
  t = read_ok(p, &o);
  if (t) {
    CHECK_INT(cn_table_nrow(t), 3);
    CHECK_STR(cn_table_name(t, 0), "v1");
    CHECK_STR(cn_table_name(t, 9), "v10");
    CHECK_INT(cn_table_type(t, 0), CN_STRING);
    CHECK_STR(text_of(t, 0, 0), "id");
    CHECK_STR(text_of(t, 0, 1), "1");
    CHECK_STR(text_of(t, 5, 1), "TRUE"); /* a boolean in a text column */
    cn_table_free(t);
  }
}

/* The same texts as a CSV file and as text cells of a sheet give the same
 * column types and values: the reader types them as the CSV reader does. */
TEST(xlsx_types_text_cells_as_csv_does) {
  const char *cols[][3] = {{"lead", "001", "2"},        {"num", "42", "7"},
                           {"dbl", "1.5", "2"},         {"na", "NA", "3"},
                           {"big", "12345678901234567890", "1"},
                           {"blank", " 5 ", "6"},       {"sep", "1,234", "5"},
                           {"exp", "1e3", "-2"},        {"dot", ".", "x"},
                           {"late", "3", "n/a"}};
  enum { NC = 10 };
  const char *csv = cn_test_path(cn_test_tmpdir(), "same.csv");
  /* "1,234" is quoted in the CSV */
  FILE *f = fopen(csv, "w");
  for (int r = 0; r < 3; r++)
    for (int j = 0; j < NC; j++)
      fprintf(f, "%s%s%s%s", strchr(cols[j][r], ',') ? "\"" : "", cols[j][r],
              strchr(cols[j][r], ',') ? "\"" : "", j + 1 < NC ? "," : "\n");
  fclose(f);
  const char *x = cn_test_path(cn_test_tmpdir(), "same.xlsx");
  lxw_workbook *wb = workbook_new(x);
  lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
  for (int r = 0; r < 3; r++)
    for (int j = 0; j < NC; j++) worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)j, cols[j][r], NULL);
  CHECK(workbook_close(wb) == LXW_NO_ERROR);
  static char notes[4096];
  notes[0] = '\0';
  cn_table *a = read_ok(csv, NULL);
  cn_set_log(keep_note, notes);
  cn_table *b = read_ok(x, NULL);
  cn_set_log(NULL, NULL);
  /* the column made text by "1,234" after a number, and the long integer,
   * are told with their cells (the first row is the header) */
  CHECK(strstr(notes, "same.xlsx: sheet \"Sheet1\": cell E2: column \"big\" is read as text: "
                      "12345678901234567890 is an integer too long for 64 bits"));
  CHECK(strstr(notes, "same.xlsx: sheet \"Sheet1\": cell G2: column \"sep\" is read as text: "
                      "\"1,234\" is not a number") == NULL); /* no number came before it */
  CHECK(strstr(notes, "same.xlsx: sheet \"Sheet1\": cell J3: column \"late\" is read as text: "
                      "\"n/a\" is not a number (after 1 number in that column;"));
  if (!a || !b) goto done;
  CHECK_INT(cn_table_ncol(b), NC);
  CHECK_INT(cn_table_nrow(b), 2);
  /* by hand, from the CSV rules: */
  const cn_type want[NC] = {CN_STRING, CN_INT64, CN_DOUBLE, CN_INT64, CN_STRING,
                            CN_INT64,  CN_STRING, CN_DOUBLE, CN_STRING, CN_STRING};
  for (int j = 0; j < NC && j < cn_table_ncol(b); j++) {
    CHECK_STR(cn_table_name(b, j), cols[j][0]);
    CHECK_INT(cn_table_type(a, j), want[j]);
    CHECK_INT(cn_table_type(b, j), want[j]);
    for (int64_t i = 0; i < 2; i++) {
      char ta[64], tb[64];
      strcpy(ta, text_of(a, j, i));
      strcpy(tb, text_of(b, j, i));
      CHECK_STR(tb, ta);
    }
  }
  CHECK_STR(text_of(b, 4, 0), "12345678901234567890");
  CHECK(cn_table_is_na(b, 8, 0)); /* "." is missing in a text column too */
done:
  cn_table_free(a);
  cn_table_free(b);
}

/* Cells libxlsxwriter does not write: inline strings, formula strings,
 * error cells, a formula without a cached value, phonetic runs, Office's
 * _x000D_ escape, entities, cells without a reference, a prefix on the
 * elements, a blank row, and a table that starts at B2. */
TEST(xlsx_reads_hand_made_cells) {
  const char *sst =
      "<sst><si><t>a&amp;b</t></si>"
      "<si><r><t>東</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">京 </t></r>"
      "<rPh sb=\"0\" eb=\"1\"><t>トウキョウ</t></rPh></si>"
      "<si><t>line1_x000D_&#10;line2</t></si></sst>";
  const char *sheet =
      "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<x:sheetData>"
      "<x:row r=\"2\"><x:c r=\"B2\" t=\"s\"><x:v>0</x:v></x:c><x:c t=\"inlineStr\"><x:is>"
      "<x:t>val</x:t></x:is></x:c><x:c r=\"D2\"><x:v>3</x:v></x:c></x:row>"
      "<x:row r=\"3\"><x:c r=\"B3\" t=\"s\"><x:v>1</x:v></x:c><x:c r=\"C3\" t=\"str\">"
      "<x:f>A1&amp;\"x\"</x:f><x:v>&#x4E2D;x</x:v></x:c><x:c r=\"D3\" t=\"e\"><x:v>#DIV/0!"
      "</x:v></x:c></x:row>"
      "<x:row r=\"5\"><x:c r=\"B5\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"D5\"><x:f>SUM(D2:D3)"
      "</x:f></x:c></x:row>"
      "<x:row r=\"6\"><x:c r=\"B6\" s=\"1\"/><x:c r=\"C6\" t=\"inlineStr\"><x:is><x:r><x:t>p"
      "</x:t></x:r><x:r><x:t>q</x:t></x:r></x:is></x:c><x:c r=\"D6\"><x:v>4.5</x:v></x:c>"
      "</x:row></x:sheetData></x:worksheet>";
  const char *p = hand_book("h.xlsx", sheet, sst, NULL);
  static char notes[4096];
  notes[0] = '\0';
  cn_set_log(keep_note, notes);
  cn_table *t = read_ok(p, NULL);
  cn_set_log(NULL, NULL);
  /* every value that is not read as it stands is told, with its cell */
  CHECK(strstr(notes, "h.xlsx: sheet \"S\": the table starts at cell B2\n"));
  CHECK(strstr(notes, "h.xlsx: sheet \"S\": cell D3 holds the error #DIV/0!, read as missing "
                      "(1 error cell in all)\n"));
  CHECK(strstr(notes, "h.xlsx: sheet \"S\": cell D5 holds a formula without a stored result, "
                      "read as missing (1 such cell;"));
  CHECK(strstr(notes, "h.xlsx: sheet \"S\": skipped 1 empty row\n"));
  if (!t) return;
  CHECK_INT(cn_table_ncol(t), 3);
  CHECK_INT(cn_table_nrow(t), 3); /* rows 3, 5, 6; the blank row 4 is skipped */
  CHECK_STR(cn_table_name(t, 0), "a&b");
  CHECK_STR(cn_table_name(t, 1), "val");
  CHECK_STR(cn_table_name(t, 2), "3");
  CHECK_STR(text_of(t, 0, 0), "東京 "); /* the runs, without the phonetic guide */
  CHECK_STR(text_of(t, 0, 1), "line1\r\nline2");
  CHECK(cn_table_is_na(t, 0, 2));
  CHECK_STR(text_of(t, 1, 0), "中x");
  CHECK(cn_table_is_na(t, 1, 1));
  CHECK_STR(text_of(t, 1, 2), "pq");
  CHECK_INT(cn_table_type(t, 2), CN_DOUBLE);
  CHECK(cn_table_is_na(t, 2, 0)); /* #DIV/0! */
  CHECK(cn_table_is_na(t, 2, 1)); /* a formula without a value */
  CHECK(cn_table_dbl(t, 2)[2] == 4.5);
  cn_table_free(t);
}

/* Dates by their number format: built-in ids and custom codes, in the 1900
 * and 1904 date systems; a number format that is no date stays a number. */
TEST(xlsx_dates_by_number_format) {
  const char *styles =
      "<styleSheet><numFmts count=\"3\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年"
      "&quot;m&quot;月&quot;d&quot;日&quot;\"/><numFmt numFmtId=\"165\" formatCode=\"0.00&quot;"
      " days&quot;\"/><numFmt numFmtId=\"166\" formatCode=\"[h]:mm:ss\"/></numFmts>"
      "<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
      "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
      "<xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"22\"/><xf numFmtId=\"21\"/>"
      "</cellXfs></styleSheet>";
  /* serials by hand: 1900-01-01 is 1; 1900-03-01 is 61 (Excel counts the
   * 1900-02-29 of Lotus as 60); 2000-01-01 is 36526 */
  const char *sheet =
      "<worksheet><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>d</t></is></c><c r=\"B1\" t=\"inlineStr\">"
      "<is><t>cn</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>n</t></is></c><c r=\"D1\" "
      "t=\"inlineStr\"><is><t>h</t></is></c><c r=\"E1\" t=\"inlineStr\"><is><t>ts</t></is></c>"
      "<c r=\"F1\" t=\"inlineStr\"><is><t>tod</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>36526</v></c><c r=\"B2\" s=\"2\"><v>1</v></c>"
      "<c r=\"C2\" s=\"3\"><v>36526</v></c><c r=\"D2\" s=\"4\"><v>1.5</v></c>"
      "<c r=\"E2\" s=\"5\"><v>36526.75</v></c><c r=\"F2\" s=\"6\"><v>1.5</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" s=\"1\"><v>61</v></c><c r=\"B3\" s=\"2\"><v>60</v></c>"
      "<c r=\"C3\" s=\"3\"><v>2.5</v></c><c r=\"D3\" s=\"4\"><v>0.25</v></c>"
      "<c r=\"E3\" s=\"5\"><v>59.5</v></c><c r=\"F3\" s=\"6\"><v>0.75</v></c></row>"
      "</sheetData></worksheet>";
  const char *p = hand_book("d.xlsx", sheet, NULL, styles);
  cn_table *t = read_ok(p, NULL);
  if (!t) return;
  CHECK_STR(text_of(t, 0, 0), "2000-01-01");
  CHECK_STR(text_of(t, 0, 1), "1900-03-01");
  CHECK_STR(text_of(t, 1, 0), "1900-01-01");
  CHECK_STR(text_of(t, 1, 1), "1900-02-29");
  CHECK_INT(cn_table_type(t, 2), CN_DOUBLE); /* "0.00 days" is no date */
  CHECK(cn_table_dbl(t, 2)[0] == 36526 && cn_table_dbl(t, 2)[1] == 2.5);
  CHECK_STR(text_of(t, 3, 0), "36:00:00"); /* [h]: elapsed hours */
  CHECK_STR(text_of(t, 3, 1), "06:00:00");
  CHECK_STR(text_of(t, 4, 0), "2000-01-01 18:00:00");
  CHECK_STR(text_of(t, 4, 1), "1900-02-28 12:00:00");
  CHECK_STR(text_of(t, 5, 0), "12:00:00"); /* h:mm:ss shows the time of day */
  CHECK_STR(text_of(t, 5, 1), "18:00:00");
  cn_table_free(t);

  /* the 1904 system (Mac Excel): day 0 is 1904-01-01 */
  const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                         "xl/worksheets/sheet1.xml", "xl/styles.xml"};
  const char *wb1904 =
      "<workbook><workbookPr date1904=\"1\"/><sheets><sheet name=\"S\" sheetId=\"1\" "
      "r:id=\"rId1\"/></sheets></workbook>";
  const char *sheet2 =
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>d</t></is></c>"
      "</row><row r=\"2\"><c r=\"A2\" s=\"1\"><v>35064</v></c></row></sheetData></worksheet>";
  const char *data[] = {wb1904, WB_RELS, sheet2, styles};
  const char *q = cn_test_path(cn_test_tmpdir(), "mac.xlsx");
  write_zip(q, 4, names, data, NULL, 1);
  t = read_ok(q, NULL);
  if (!t) return;
  /* 35064 days after 1904-01-01 is 2000-01-01 (35064 = 36526 - 1462) */
  CHECK_STR(text_of(t, 0, 0), "2000-01-01");
  cn_table_free(t);
}

/* Errors inside a sheet name the file, the sheet and the cell. */
TEST(xlsx_errors_name_the_sheet_and_cell) {
  const char *bad_num =
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c>"
      "</row><row r=\"7\"><c r=\"B7\"><v>abc</v></c></row></sheetData></worksheet>";
  CHECK(strstr(read_err(hand_book("e1.xlsx", bad_num, NULL, NULL), NULL),
               "e1.xlsx: sheet \"S\": cell B7: \"abc\" is not a number"));
  const char *bad_sst =
      "<worksheet><sheetData><row><c t=\"s\"><v>5</v></c></row></sheetData></worksheet>";
  CHECK(strstr(read_err(hand_book("e2.xlsx", bad_sst, "<sst><si><t>x</t></si></sst>", NULL), NULL),
               "sheet \"S\": cell A1: refers to a shared string that does not exist (the "
               "workbook has 1)"));
  const char *dup =
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c>"
      "<c r=\"C1\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData></worksheet>";
  CHECK(strstr(read_err(hand_book("e3.xlsx", dup, NULL, NULL), NULL),
               "sheet \"S\": cell C1: column 3 repeats the name \"x\" of column 1"));
  /* the widest sheet: 16384 columns, a repeat at the last one (XFD) */
  const char *wide =
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c>"
      "<c r=\"XFD1\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData></worksheet>";
  CHECK(strstr(read_err(hand_book("wide.xlsx", wide, NULL, NULL), NULL),
               "sheet \"S\": cell XFD1: column 16384 repeats the name \"x\" of column 1"));
  const char *empty = "<worksheet><sheetData/></worksheet>";
  CHECK(strstr(read_err(hand_book("e4.xlsx", empty, NULL, NULL), NULL),
               "e4.xlsx: sheet \"S\" is empty: no header row"));
  const char *order =
      "<worksheet><sheetData><row r=\"2\"><c r=\"A2\"><v>1</v></c></row><row r=\"1\"><c "
      "r=\"A1\"><v>1</v></c></row></sheetData></worksheet>";
  CHECK(strstr(read_err(hand_book("e5.xlsx", order, NULL, NULL), NULL),
               "row 1 comes after row 2"));
  const char *utf8 =
      "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>\xff</t></is></c></row>"
      "</sheetData></worksheet>";
  CHECK(strstr(read_err(hand_book("e6.xlsx", utf8, NULL, NULL), NULL),
               "xl/worksheets/sheet1.xml, line 1, column 52: text that is not valid UTF-8"));
}

/* Damaged and hostile files are data errors with a reason, never a crash:
 * not a ZIP, an OLE file, a truncated archive, a flipped byte (CRC), a zip
 * bomb, XML nested too deep, a DOCTYPE, an unclosed element. */
TEST(xlsx_refuses_damaged_and_hostile_files) {
  const char *dir = cn_test_tmpdir();
  const char *p = cn_test_path(dir, "text.xlsx");
  FILE *f = fopen(p, "w");
  fputs("a,b\n1,2\n", f);
  fclose(f);
  CHECK(strstr(read_err(p, NULL), "not an .xlsx workbook: the file is not a ZIP archive"));
  p = cn_test_path(dir, "old.xlsx");
  f = fopen(p, "wb");
  fwrite("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" "0000000000000000", 1, 24, f);
  fclose(f);
  CHECK(strstr(read_err(p, NULL), "an Excel 97-2003 .xls, or an .xlsx encrypted"));

  /* a real workbook, cut in half and with a flipped byte */
  const char *good = cn_test_path(dir, "good.xlsx");
  lxw_workbook *wb = workbook_new(good);
  lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
  for (int i = 0; i < 50; i++) worksheet_write_number(ws, (lxw_row_t)i, 0, i, NULL);
  CHECK(workbook_close(wb) == LXW_NO_ERROR);
  f = fopen(good, "rb");
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  CHECK(n > 1000 && n < sizeof buf);
  p = cn_test_path(dir, "half.xlsx");
  f = fopen(p, "wb");
  fwrite(buf, 1, n / 2, f);
  fclose(f);
  CHECK(strstr(read_err(p, NULL), "the ZIP archive is damaged or truncated"));
  /* every single cut of the file is an error, not a crash */
  for (size_t cut = 0; cut < n; cut += 97) {
    f = fopen(p, "wb");
    fwrite(buf, 1, cut, f);
    fclose(f);
    cn_table *t = NULL;
    cn_diag d;
    CHECK(cn_table_read(p, NULL, &t, &d) == CN_EDATA);
    cn_table_free(t);
  }

  const char *sheet =
      "<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>";
  p = hand_book("crc.xlsx", sheet, NULL, NULL);
  f = fopen(p, "r+b");
  n = fread(buf, 1, sizeof buf, f);
  char *v = memmem(buf, n, "<v>1</v>", 8);
  CHECK(v != NULL);
  if (v) {
    fseek(f, (long)(v - buf) + 3, SEEK_SET);
    fputc('2', f);
  }
  fclose(f);
  CHECK(strstr(read_err(p, NULL), "the part xl/worksheets/sheet1.xml fails its CRC check"));

  /* a zip bomb: 100 MB of one repeated cell, deflated to about 100 KB; the
   * limit is 200 times the file's size, at least 64 MiB */
  size_t big = (size_t)100 << 20;
  char *bomb = malloc(big);
  const char *cell = "<c><v>1</v></c>";
  size_t cl = strlen(cell);
  memcpy(bomb, "<worksheet><sheetData><row>", 27);
  for (size_t i = 27; i + cl < big; i += cl) memcpy(bomb + i, cell, cl);
  const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                         "xl/worksheets/sheet1.xml"};
  const char *data[] = {WB, WB_RELS, bomb};
  size_t lens[] = {strlen(WB), strlen(WB_RELS), big};
  p = cn_test_path(dir, "bomb.xlsx");
  write_zip(p, 3, names, data, lens, 1);
  free(bomb);
  const char *m = read_err(p, NULL);
  CHECK(strstr(m, "the part xl/worksheets/sheet1.xml inflates to more than 200 times the "
                  "size of the file: a zip bomb, or a damaged file"));

  /* XML nested 5000 deep, a DOCTYPE with an entity, an unclosed element */
  {
    size_t dn = 5000 * 7 + 64;
    char *deep = malloc(dn), *w = deep;
    w += sprintf(w, "<worksheet>");
    for (int i = 0; i < 5000; i++) w += sprintf(w, "<a>");
    CHECK(strstr(read_err(hand_book("deep.xlsx", deep, NULL, NULL), NULL),
                 "elements nest deeper than 100 levels"));
    free(deep);
  }
  CHECK(strstr(read_err(hand_book("dtd.xlsx",
                                  "<!DOCTYPE w [<!ENTITY a \"aaaa\">]><worksheet>&a;</worksheet>",
                                  NULL, NULL), NULL),
               "a <!DOCTYPE or other declaration"));
  CHECK(strstr(read_err(hand_book("open.xlsx", "<worksheet><sheetData><row>", NULL, NULL), NULL),
               "the part ends inside <row>"));
  CHECK(strstr(read_err(hand_book("ent.xlsx", "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&bogus;"
                                           "</t></is></c></row></sheetData></worksheet>",
                                           NULL, NULL), NULL),
               "an unknown entity"));
}
