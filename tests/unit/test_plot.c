/* tests/unit/test_plot.c — figures: the font they name renders Chinese. */
#include <cairo-ft.h>
#include <cairo.h>
#include <stdlib.h>
#include "test.h"

/* CN_PLOT_FONT resolves (through fontconfig, as cn_plot_panels does) to a
 * face of that family, and that face has a glyph for each character of
 * Chinese applicant names: no .notdef boxes. Needs fonts-wqy-microhei,
 * which scripts/deps installs. */
TEST(plot_font_has_cjk_glyphs) {
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
  cairo_t *cr = cairo_create(sf);
  cairo_select_font_face(cr, CN_PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 12);
  cairo_scaled_font_t *font = cairo_get_scaled_font(cr);
  CHECK_INT(cairo_scaled_font_get_type(font), CAIRO_FONT_TYPE_FT);
  FT_Face face = cairo_ft_scaled_font_lock_face(font);
  CHECK(face != NULL);
  if (face) {
    CHECK_STR(face->family_name, CN_PLOT_FONT);
    cairo_ft_scaled_font_unlock_face(font);
  }
  const char *text = "中国铁建股份有限公司 西南交通大学 Ltd.";
  cairo_glyph_t *g = NULL;
  int ng = 0;
  CHECK_INT(cairo_scaled_font_text_to_glyphs(font, 0, 0, text, -1, &g, &ng, NULL, NULL, NULL),
            CAIRO_STATUS_SUCCESS);
  CHECK_INT(ng, 22);
  int missing = 0;
  for (int i = 0; i < ng; i++) missing += g[i].index == 0;
  CHECK_INT(missing, 0);
  cairo_glyph_free(g);
  cairo_destroy(cr);
  cairo_surface_destroy(sf);
}

/* Pixels of the PNG at path on its outermost ring that are not white
 * (anything drawn there is cut by the canvas), and in *ink the non-white
 * pixels of the whole image; -1 when the file cannot be read. */
static long png_ring_ink(const char *path, long *ink) {
  cairo_surface_t *sf = cairo_image_surface_create_from_png(path);
  *ink = 0;
  if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(sf);
    return -1;
  }
  cairo_surface_flush(sf);
  int w = cairo_image_surface_get_width(sf), h = cairo_image_surface_get_height(sf);
  int stride = cairo_image_surface_get_stride(sf);
  const unsigned char *px = cairo_image_surface_get_data(sf);
  long ring = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint32_t v;
      memcpy(&v, px + (size_t)y * (size_t)stride + 4 * (size_t)x, 4);
      if ((v & 0xFFFFFFu) == 0xFFFFFFu) continue;
      ++*ink;
      if (x == 0 || y == 0 || x == w - 1 || y == h - 1) ring++;
    }
  cairo_surface_destroy(sf);
  return ring;
}

/* A map of a star of long Chinese names around a hub, drawn as PNG: the
 * labels that would leave the panel move to another spot or are left
 * out, so that no pixel on the canvas's edge is drawn, and ink is. The
 * names render in CN_PLOT_FONT (plot_font_has_cjk_glyphs). */
TEST(plot_map_png_nothing_cut) {
  static const char *const heads[] = {"year:i", "u:s", "v:s", "weight:i"};
  static const char *const cells[] = {
      "2010", "中国铁建股份有限公司", "西南交通大学土木工程学院", "3",
      "2010", "中国铁建股份有限公司", "中国科学院沈阳自动化研究所", "2",
      "2010", "中国铁建股份有限公司", "中国石油化工股份有限公司", "1",
      "2010", "中国铁建股份有限公司", "国家电网公司华北分部", "1",
      "2010", "中国铁建股份有限公司", "哈尔滨工业大学深圳研究生院", "4",
      "2010", "中国铁建股份有限公司", "中兴通讯股份有限公司", "1",
      "2011", "西南交通大学土木工程学院", "中兴通讯股份有限公司", "2",
  };
  cn_table *t = cn_test_table(7, 4, heads, cells);
  cn_net_stages s;
  cn_diag d;
  int64_t from[2] = {2010, 2011}, to[2] = {2010, 2011};
  CHECK_STATUS(cn_net_stage_graphs(t, NULL, 2, from, to, &s, &d), CN_OK, &d);
  const char *names[2] = {"2010", "2011"};
  cn_netmap_opts o = {.label_top = 10, .stage_names = names};
  cn_netmap_info info;
  const char *png = cn_test_path(cn_test_tmpdir(), "map.png");
  CHECK_STATUS(cn_plot_network(png, "CJK map", &s, &o, &info, &d), CN_OK, &d);
  CHECK_INT(info.drawn, 7);
  CHECK(info.labels + info.labels_skipped == 9); /* 7 nodes in 2010, 2 in 2011 */
  CHECK(info.labels >= 7);
  long ink, ring = png_ring_ink(png, &ink);
  CHECK_INT(ring, 0);
  CHECK(ink > 1000);
  cn_net_stages_free(&s);
  cn_table_free(t);
}

/* The study figures as PNG with Chinese text in every place a label goes
 * (categories, groups, axis labels, models), some longer than the figure
 * (shortened with an ellipsis): nothing on the canvas's edge, ink drawn. */
#define LONG_LABEL                                                                          \
  "产出份额（百分比）按行业与年份分列的中国国民经济各部门增加值占国内生产总值的比重，" \
  "数据来源于国家统计局历年统计年鉴以及作者的计算与整理"

TEST(plot_xy_event_png_nothing_cut) {
  static const char *const heads[] = {"sector:s", "year:i", "share:d"};
  static const char *const cells[] = {
      "中国制造业与高技术制造业", "2010", "0.42", "服务业", "2010", "0.35", "农业", "2010", "0.1",
      "中国制造业与高技术制造业", "2015", "0.38", "服务业", "2015", "0.45", LONG_LABEL, "2015", "-0.05",
  };
  cn_table *t = cn_test_table(6, 3, heads, cells);
  cn_diag d;
  long ink;
  static const cn_xy_kind kinds[3] = {CN_PLOT_BAR, CN_PLOT_LINE, CN_PLOT_SCATTER};
  for (int k = 0; k < 3; k++) {
    cn_xyplot_opts o = {.kind = kinds[k], .x = k ? "year" : "sector", .y = "share", .by = k ? "sector" : "year",
                        .xlabel = "年份与行业", .ylabel = k == 1 ? LONG_LABEL : "产出份额（百分比）"};
    cn_xyplot_info info;
    const char *png = cn_test_path(cn_test_tmpdir(), k == 0 ? "bar.png" : k == 1 ? "line.png" : "scatter.png");
    CHECK_STATUS(cn_plot_table(png, NULL, t, &o, &info, &d), CN_OK, &d);
    CHECK_INT(info.points, 6);
    CHECK_INT(png_ring_ink(png, &ink), 0);
    CHECK(ink > 1000);
  }
  static const char *const models[2] = {"普通最小二乘法（OLS）", "固定效应"}, *const terms[3] = {"F2.x", "x", "L1.x"};
  double times[3] = {-2, 0, 1}, b[6] = {0.1, 0.5, 0.4, 0.05, 0.45, 0.3};
  double lo[6] = {-0.2, 0.2, 0.1, -0.1, 0.3, 0.1}, hi[6] = {0.4, 0.8, 0.7, 0.2, 0.6, 0.5};
  const char *png = cn_test_path(cn_test_tmpdir(), "event.png");
  CHECK_STATUS(cn_plot_event(png, NULL, LONG_LABEL, LONG_LABEL, 2, models, 3, terms, times, b, lo, hi, -1, &d), CN_OK,
               &d);
  CHECK_INT(png_ring_ink(png, &ink), 0);
  CHECK(ink > 1000);
  cn_table_free(t);
}
